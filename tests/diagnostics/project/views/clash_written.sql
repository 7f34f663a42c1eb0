SELECT 1 AS one
-- expect 1:1-1:7 error[duplicate-view] another view is already named 'clash_written'
