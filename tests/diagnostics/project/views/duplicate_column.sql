SELECT * FROM orders o JOIN users u ON u.id = o.user_id
--     ^ error[duplicate-column] the view outputs column 'id' more than once; give each output column its own name (e.g. `t.id AS t_id`)
