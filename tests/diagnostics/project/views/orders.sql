SELECT 1 AS id
-- expect 1:1-1:7 error[duplicate-view] another extract is already named 'orders'; rename this file (a view's name is its file name)
