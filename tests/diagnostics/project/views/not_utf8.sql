-- expect 2:11-2:12 error[unreadable-file] not UTF-8: byte 0xF1 at line 2, column 11; save the file as UTF-8
SELECT 'señor' AS x
