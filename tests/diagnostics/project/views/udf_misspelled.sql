SELECT stable_hsh64(id) AS h, qualifed_name('a', status) AS q FROM orders
--     ^^^^^^^^^^^^ error[unknown-function] unknown function 'stable_hsh64'; did you mean 'stable_hash64'? (neither DataFusion nor the UDF snapshot has it)
--                            ^^^^^^^^^^^^^ error[unknown-function] unknown function 'qualifed_name'; did you mean 'qualified_name'? (neither DataFusion nor the UDF snapshot has it)
