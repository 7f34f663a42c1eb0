COPY (SELECT * FROM orders) TO '/tmp/stolen.parquet'
-- expect 1:1-1:5 error[forbidden-statement] COPY statements are not allowed in a view: a view is one query (SELECT, WITH or VALUES) and viewls materializes it
