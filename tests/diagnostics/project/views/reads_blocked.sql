SELECT id FROM reads_broken
--             ^^^^^^^^^^^^ hint[upstream-error] depends on 'reads_broken', which depends on a view with errors; fix it there
