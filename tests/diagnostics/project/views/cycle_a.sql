SELECT id FROM cycle_b
--             ^^^^^^^ error[dependency-cycle] dependency cycle: cycle_a -> cycle_b -> cycle_a; a view cannot depend on itself
