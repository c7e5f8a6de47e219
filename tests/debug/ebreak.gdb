# gdb_batch.sh 0 ebreak.gdb ebreak.expect rvbox -bios none -kernel ebreak.elf
continue
