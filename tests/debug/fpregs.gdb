# Driven by gdb_batch.sh against tests/guest's rv32uf.elf (see fpregs.expect): the
# floating-point registers in GDB's fpu feature, read and written, and fcsr.
break fp_check_s_f
continue
p/x $ft1
p $ft2.float
p/x $ft3
p/x $fflags
set $fs0.double = 2.5
p/x $fs0
p $fs0.double
p/x $fcsr
delete
kill
