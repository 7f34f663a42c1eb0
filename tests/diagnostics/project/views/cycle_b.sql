SELECT id FROM cycle_a
--             ^^^^^^^ error[dependency-cycle] dependency cycle: cycle_b -> cycle_a -> cycle_b; a view cannot depend on itself
