SELECT id FROM orders;
DELETE FROM orders WHERE id = 1;
-- expect 2:1-2:7 error[forbidden-statement] DELETE statements are not allowed in a view: a view is one query (SELECT, WITH or VALUES) and viewls materializes it
