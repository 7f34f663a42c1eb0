SELEC id FROM orders
-- expect 1:1-1:6 error[syntax-error] expected a query (SELECT, WITH or VALUES), found 'SELEC'; did you mean 'SELECT'?
