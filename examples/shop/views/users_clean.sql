-- @description: Registered users with trimmed, lower-case emails and a country for everyone
-- @ordering: user_id
-- @evidence: crm
select
    user_id,
    trim(name) as name,
    lower(trim(email)) as email,
    coalesce(country, 'unknown') as country,
    signup_date,
    marketing_opt_in
from users
order by user_id
