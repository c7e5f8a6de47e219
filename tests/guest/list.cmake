# The self-checking guest test programs: tests/guest/<name>.S builds to <name>.elf.
# Included by the cross build (CMakeLists.txt here) and by the host project's ctest
# registration (ctest.cmake), so the two always agree.
set(RVBOX_GUEST_TESTS
  rv32ui_alu_rr       # RV32I register-register ALU
  rv32ui_alu_imm      # RV32I register-immediate ALU, lui, auipc
  rv32ui_branch       # conditional branches, jal, jalr
  rv32ui_ldst         # loads and stores of every width
  rv32ui_misaligned   # misaligned loads and stores (done in hardware by rvbox)
  rv32ui_fence        # fence variants, fence.i and self-modifying code
  rv32um              # M: multiply and divide
  rv32ua              # A: lr/sc and the AMOs
  rv32uc              # C: every RV32C instruction
  rv32mi_csr          # Zicsr on mscratch, read-only CSRs, misa, mhartid
  rv32mi_counters     # cycle, time, instret and their high halves; minstret writes
  rv32mi_trap         # M-mode exceptions: causes, mepc, mtval, mtvec, mret
  priv_modes          # M/S/U: xRET, ecall causes, medeleg, stvec, illegal CSRs, TSR/TW/TVM
  priv_interrupts     # software interrupts: mideleg, SIE, vectored tvec, priority, wfi
  priv_vm             # Sv32 from S-mode: permissions, SUM, MXR, MPRV, A/D, superpages
  priv_counters       # mcounteren/scounteren gating, mcountinhibit, minstret(h), hpm
  priv_csr            # every M/S CSR present, unknown ones trap, PMP WARL and locks, misa
  block_smc           # self-modifying code: same page, same block, fence.i or not
  block_vm            # Sv32: runs into unmapped pages, straddlers, remaps, aliases, A bits
  block_irq           # interrupts raised in the middle of long straight lines
  block_count         # minstret exact in straight lines, loops and at exceptions
  block_virtio        # code overwritten by virtio-blk DMA (a disk: make_block_disk.sh)
  rv32uf              # F: every instruction in every rounding mode, flags, NaN-boxing
  rv32ud              # D: the same, and singles NaN-boxed in the 64-bit registers
  priv_fp             # mstatus.FS: Off traps, Initial/Clean become Dirty, SD; misa F D
  nofp                # -cpu rv32,d=off and f=off: what is missing traps (two runs)
  priv_pmp            # PMP enforced: OFF/TOR/NA4/NAPOT, RWX, priority, L, MPRV, walks
  nopmp               # -cpu rv32,pmp=false: nothing checked
  priv_sstc           # Sstc: stimecmp, STCE, STIP, the interrupt in S and M, wfi
  sstc_exact          # priv_sstc under -icount: the interrupt in the tick it falls due
  priv_trigger        # Sdtrig: probing, execute/load/store triggers, sizes, tcontrol
  notrig              # -cpu rv32,debug=off: the trigger CSRs are illegal
)

# The tests built with F and D (-march=rv32imafdc_zicsr_zifencei).
set(RVBOX_GUEST_FP_TESTS rv32uf rv32ud priv_fp nofp priv_trigger)

# Extra rvbox arguments of a test, run once per entry of RVBOX_GUEST_VARIANTS_<name>
# (a name for the ctest, then its arguments, ;-separated as one string each).
set(RVBOX_GUEST_VARIANTS_nofp "nod|-cpu|rv32,d=off" "nof|-cpu|rv32,f=off")
set(RVBOX_GUEST_VARIANTS_nopmp "off|-cpu|rv32,pmp=false")
set(RVBOX_GUEST_VARIANTS_sstc_exact "icount|-icount|shift=0")
set(RVBOX_GUEST_VARIANTS_notrig "debugoff|-cpu|rv32,debug=off")

# The tests that run with a disk in virtio slot 0: the image make_block_disk.sh makes at
# build time, opened read-only so that the runs on both engines can share it.
set(RVBOX_GUEST_DISK_TESTS block_virtio)

# The user-level tests that also run in U-mode under Sv32 (test_env_vm.h): <name>_vm.elf.
set(RVBOX_GUEST_VM_TESTS
  rv32ui_alu_rr
  rv32ui_alu_imm
  rv32ui_branch
  rv32ui_ldst
  rv32ui_misaligned
  rv32ui_fence
  rv32um
  rv32ua
  rv32uc
  rv32uf
  rv32ud
)
