SELECT x FROM not_utf8
--            ^^^^^^^^ hint[upstream-error] depends on 'not_utf8', which has errors
