INSERT INTO orders VALUES (1, 2, 3.0, 'x', NULL)
-- expect 1:1-1:7 error[forbidden-statement] INSERT statements are not allowed in a view: a view is one query (SELECT, WITH or VALUES) and viewls materializes it
