#!/bin/bash
# The bench card's MILENAGE (tests/bench/card/milenage.c) against every field
# of every TS 35.208 vector and against libosmocore on random inputs. Host-only
# (libosmocore has no arm64 -dev here), hence an integration test, not a unit test.
. "$(dirname "$0")/../lib.sh"
t_init card-milenage
bin=$T_BUILD/bench/test-milenage
vec=$T_TOP/tests/bench/card/vectors/milenage.txt
t_check "milenage: every field of the 6 vectors of milenage.txt" "$bin" --vectors "$vec"
t_check "milenage: 2000 random cases agree with libosmocore (RES CK IK AUTN AUTS)" "$bin" --random 2000
t_done
