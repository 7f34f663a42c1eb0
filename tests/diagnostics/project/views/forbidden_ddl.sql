CREATE TABLE copy_of_orders AS SELECT * FROM orders
-- expect 1:1-1:7 error[forbidden-statement] CREATE statements are not allowed in a view: a view is one query (SELECT, WITH or VALUES) and viewls materializes it
