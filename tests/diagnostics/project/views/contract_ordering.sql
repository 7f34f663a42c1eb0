-- @description: ordering keys must be derived columns
-- @ordering: id, amout DESC
--                ^^^^^ error[invalid-contract] ordering key 'amout' is not a column of this view; did you mean 'amount'?
SELECT id, amount FROM orders
