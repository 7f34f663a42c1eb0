-- @description: native UDFs check clean and are recorded as required
SELECT stable_id('order', id, user_id) AS order_key,
       stable_hash64(id, status) AS h,
       span_contains(0, 100, id, id + 1) AS inside,
       utf8_normalize(status, 'NFKC') AS status_nfkc,
       qualified_name('shop', 'orders', status) AS qname
FROM orders
