SELECT b.id, k.amount FROM base_broken b JOIN base_ok k ON k.id = b.id
--                         ^^^^^^^^^^^ hint[upstream-error] depends on 'base_broken', which has errors; fix it there
