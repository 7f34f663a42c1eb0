SELECT id, upperr(status) AS s, stable_hash(id) AS h FROM orders
--         ^^^^^^ error[unknown-function] unknown function 'upperr'; did you mean 'upper'? (neither DataFusion nor the UDF snapshot has it)
--                              ^^^^^^^^^^^ error[unknown-function] unknown function 'stable_hash'; did you mean 'stable_hash64'? (neither DataFusion nor the UDF snapshot has it)
