WITH users AS (SELECT id FROM base_ok), later AS (SELECT id FROM users)
SELECT later.id FROM later JOIN users USING (id)
