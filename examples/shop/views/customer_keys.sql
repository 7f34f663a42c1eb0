-- @description: Stable customer keys and normalized names, built with the native UDFs
-- @ordering: customer_key
-- @evidence: crm
select
    stable_id('customer', user_id) as customer_key,
    stable_hash64(lower(email)) % 16 as shard,
    user_id,
    utf8_normalize(name, 'NFKC') as name,
    qualified_name('shop', country, 'customers') as segment
from users_clean
order by customer_key
