SELECT id, name FROM orders o JOIN users u ON u.id = o.user_id
--     ^^ error[ambiguous-column] column 'id' is ambiguous: more than one table in scope has it; qualify it with a table name or alias
