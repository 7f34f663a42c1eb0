SELECT 1 AS x
-- expect 1:1-1:1 error[invalid-name] view name 'drive:letter' holds ':'; a view's name (its file's name without the suffix) may hold any character
