SELECT 1 AS secret
-- expect 1:1-1:1 error[outside-project] this file resolves to 
