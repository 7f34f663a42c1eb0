-- Subqueries nested past DataFusion's parser limit: one error, at the token where the
-- nesting gets too deep (flatten it with CTEs).
SELECT id FROM
  (SELECT id FROM
    (SELECT id FROM
      (SELECT id FROM
        (SELECT id FROM
          (SELECT id FROM
            (SELECT id FROM
              (SELECT id FROM
                (SELECT id FROM
                  (SELECT id FROM
                    (SELECT id FROM
                      (SELECT id FROM
                        (SELECT id FROM
                          (SELECT id FROM
                            (SELECT id FROM
                              (SELECT id FROM
                                (SELECT id FROM
                                  (SELECT id FROM
                                    (SELECT id FROM
                                      (SELECT id FROM
                                        (SELECT id FROM
                                          (SELECT id FROM
                                            (SELECT id FROM
                                              (SELECT id FROM
                                                (SELECT id FROM
--                                               ^^^^^^ error[limit-exceeded] this query nests subqueries or expressions more than 50 levels deep
                                                  orders t0
) t1) t2) t3) t4) t5) t6) t7) t8) t9) t10) t11) t12) t13) t14) t15) t16) t17) t18) t19) t20) t21) t22) t23) t24
