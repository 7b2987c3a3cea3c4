#!/usr/bin/env bash
# SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
# tune_bighost.sh on a host with 4096 CPUs (fewer IRQs and threads, to stay
# fast): every list of the latency or housekeeping CPUs is ~10 KB written
# out, past the 4 KiB a value once had (check and apply then exited 1 with
# "over the 4095-byte value limit"), and a profile line holds one.
# apply, check and revert complete, every list written whole, the tree
# byte-identical after revert.
set -eu
: "${RTBPF:?} ${RTBPF_TOP:?}"
RTBPF_BIGHOST="4096 200 400" exec bash "$RTBPF_TOP/tests/integration/tune_bighost.sh"
