# Benchmark variants: the example sources of each program, rebuilt with a
# larger iteration count so that each runs roughly 300-800 million RISC-V
# instructions (see bench/README.md for the measured counts).
BENCHES := sha256 qsort matmul dhrystone primes crc32 stream chase

BENCH_DEFS_sha256    := -DITERATIONS=80
BENCH_DEFS_qsort     := -DITERATIONS=5 -DELEMENTS=100000
BENCH_DEFS_matmul    := -DITERATIONS=60
BENCH_DEFS_dhrystone := -DITERATIONS=3000000
BENCH_DEFS_primes    := -DITERATIONS=50
BENCH_DEFS_crc32     := -DITERATIONS=150
BENCH_DEFS_stream    := -DITERATIONS=12
BENCH_DEFS_chase     := -DSTEPS=8000000
