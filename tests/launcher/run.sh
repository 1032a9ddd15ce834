#!/bin/bash
# Tests for mpirun (src/launcher).
#
#   tests/launcher/run.sh [MPIRUN [HELPER_DIR]]
#
# MPIRUN (argument or environment; default src/launcher/mpirun) is the
# launcher under test; HELPER_DIR (default: tests/launcher) holds the built
# pmi_probe. MPICH-built programs are tested too when mpicc.mpich exists.
# Prints "N passed, M failed" and exits non-zero when anything failed.
# Timing bounds are generous: a job that must be killed has 10 s to end.

# Single quotes around $ are deliberate below (eval, sh -c).
# shellcheck disable=SC2016

MPIRUN=${1:-${MPIRUN:-src/launcher/mpirun}}
HELPERS=${2:-${HELPERS:-tests/launcher}}

if [ ! -x "$MPIRUN" ] || [ ! -x "$HELPERS/pmi_probe" ]; then
    echo "run.sh: need an executable mpirun ($MPIRUN) and $HELPERS/pmi_probe" >&2
    exit 2
fi
MPIRUN=$(cd "$(dirname "$MPIRUN")" && pwd)/$(basename "$MPIRUN")
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d /tmp/tern-launcher.XXXXXX)
# a unique program name, so that leftover processes can be found with pgrep
PROBE=$TMP/tnprobe$$
cp "$HELPERS/pmi_probe" "$PROBE"
trap 'pkill -KILL -f "$TMP/" 2>/dev/null; rm -rf "$TMP"' EXIT
cd "$TMP" || exit 2

passed=0
failed=0

# run ARGS...: runs mpirun with stdin from /dev/null (or $STDIN); sets
# status, elapsed (seconds, float) and the files out and err.
run() {
    local t0=$EPOCHREALTIME
    timeout -k 5 60 "$MPIRUN" "$@" <"${STDIN:-/dev/null}" >out 2>err
    status=$?
    elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
}

# check NAME CONDITION...: CONDITION is a command; on failure the job's
# output is shown.
check() {
    local name=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
        echo "ok   $name"
    else
        failed=$((failed + 1))
        echo "FAIL $name (status $status, ${elapsed}s): $*"
        sed 's/^/     out: /' out | head -20
        sed 's/^/     err: /' err | head -20
    fi
}

is() { [ "$1" = "$2" ]; }
has() { grep -Eq -- "$2" "$1"; }
quick() { awk -v e="$elapsed" 'BEGIN { exit !(e < 10) }'; }
# no process of this test run is left (killed ones may take a moment to go)
none_left() {
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        pgrep -f "$PROBE|$TMP/" >/dev/null || return 0
        sleep 0.3
    done
    return 1
}
lines() { [ "$(wc -l <"$1")" -eq "$2" ]; }

# --- normal jobs -----------------------------------------------------------
run -n 3 "$PROBE" ok
check "PMI job exits 0" is "$status" 0
check "every rank put, fenced and got" is "$(grep -c ' ok (vector,(0,1,3))$' out)" 3
run --emulate-ppn 2 -n 5 "$PROBE" ok
check "--emulate-ppn 2: nodes of 2, the last of 1" \
    eval 'is "$status" 0 && is "$(grep -c " ok (vector,(0,2,2),(2,1,1))$" out)" 5'
run --emulate-ppn 3 -n 6 "$PROBE" ok
check "--emulate-ppn 3: two nodes of 3" is "$(grep -c ' ok (vector,(0,2,3))$' out)" 6
run --emulate-ppn 0 -n 2 "$PROBE" ok
check "--emulate-ppn 0 is refused" is "$status" 2

"$PROBE" ok >out 2>err
status=$?
elapsed=0
check "the PMI client runs as a singleton without mpirun" \
    eval 'is "$status" 0 && has out "^rank 0 of 1 ok singleton$"'

if command -v mpiexec.hydra >/dev/null; then
    timeout -k 5 60 mpiexec.hydra -n 3 "$PROBE" ok </dev/null >out 2>err
    status=$?
    check "the PMI client works under MPICH's mpiexec.hydra" \
        eval 'is "$status" 0 && is "$(grep -c " ok " out)" 3'
else
    echo "skip mpiexec.hydra: not installed"
fi

run -np 3 hostname
check "non-MPI program: status 0, one line per rank" \
    eval 'is "$status" 0 && lines out 3'

run -np 2 false
check "non-MPI program exiting 1 gives status 1" is "$status" 1

run -n 1 "$PROBE" info : -n 2 "$PROBE" info
check "MPMD job exits 0" is "$status" 0
check "MPMD appnums are 0, 1, 1 and size is 3" \
    is "$(sed -E 's/.*appnum=([0-9]+).*/\1/' out | sort | tr -d '\n')" 011
check "size and universe size are 3" is "$(grep -c 'size=3 appnum=[01] universe=3' out)" 3
check "TERN_JOB_KEY is 32 hex digits, the same for all ranks" \
    is "$(grep -Eo 'key=[0-9a-f]{32} ' out | sort -u | wc -l)" 1
key1=$(grep -Eo 'key=[0-9a-f]+' out | head -1)
run -n 1 "$PROBE" info
check "each job gets a new TERN_JOB_KEY" eval "! grep -q -- '$key1 ' out"
check "TERN_LOCAL_RANK is set" has out 'local=0$'

# --- environment, output, input --------------------------------------------
FOO=from-env run -n 2 -x FOO -x BAZ=qux -genv GV 1 sh -c 'echo "$PMI_RANK $FOO $BAZ $GV"'
check "-x VAR, -x VAR=VAL and -genv reach every rank" \
    is "$(sort out | tr '\n' '|')" "0 from-env qux 1|1 from-env qux 1|"

run -n 1 -env E a sh -c 'echo "E=$E"' : -n 1 sh -c 'echo "E=${E-unset}"'
check "-env applies to its own program only" is "$(sort out | tr '\n' '|')" "E=a|E=unset|"

run -n 2 --tag-output sh -c 'echo out; echo err >&2'
check "--tag-output tags stdout" is "$(sort out | tr '\n' '|')" "[1,0]<stdout>:out|[1,1]<stdout>:out|"
check "--tag-output tags stderr" is "$(sort err | tr '\n' '|')" "[1,0]<stderr>:err|[1,1]<stderr>:err|"

printf 'first line\nsecond line\n' >input
STDIN=input run -n 2 sh -c 'while read -r l; do echo "$PMI_RANK:$l"; done; echo "$PMI_RANK:eof"'
check "stdin reaches rank 0 only" \
    is "$(sort out | tr '\n' '|')" "0:eof|0:first line|0:second line|1:eof|"

run -n 1 sh -c 'printf "no newline"'
check "a last line without newline is forwarded unchanged" is "$(od -c out | head -1)" \
    "$(printf 'no newline' | od -c | head -1)"

head -c 20000 /dev/zero | tr '\0' x >long
echo >>long
run -n 1 cat long
check "a 20000-byte line is forwarded unchanged" cmp -s out long

# two writes per line: lines must still come out whole
run -n 4 sh -c 'l=$(printf "%080d" 0 | tr 0 "$PMI_RANK"); i=0
    while [ $i -lt 300 ]; do printf "%s" "${l%????????????????????}"; printf "%s\n" "${l#????????????????????????????????????????????????????????????}"; i=$((i + 1)); done'
check "lines of different ranks never mix" \
    eval 'is "$status" 0 && lines out 1200 && ! grep -Evq "^(0{80}|1{80}|2{80}|3{80})$" out'

printf '#!/bin/sh\nwhile :; do echo y; done\n' >chatty
chmod +x chatty
t0=$EPOCHREALTIME
timeout -k 5 60 "$MPIRUN" -n 2 ./chatty </dev/null 2>err | head -3 >out
status=${PIPESTATUS[0]}
elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
check "a closed stdout (mpirun | head) ends the job with 141" \
    eval 'is "$status" 141 && lines out 3 && quick && none_left'

# --- failures ----------------------------------------------------------------
run -n 3 "$PROBE" exit 2 7
check "rank exiting 7 gives status 7" is "$status" 7
check "the message names rank and status" has err 'mpirun: rank 2 \(pid [0-9]+\) on host .* exited with status 7'
check "the other ranks were stopped quickly" quick
check "no process is left behind" none_left

run -n 3 "$PROBE" segv 1
check "rank killed by SIGSEGV gives status 139" is "$status" 139
check "the message names the signal" has err 'rank 1 .*killed by signal 11 \(Segmentation fault\)'
check "no process is left behind" none_left

run -n 3 "$PROBE" abort 0 5
check "abort gives the abort code" is "$status" 5
check "the message names MPI_Abort and the code" has err 'rank 0 .*called MPI_Abort with error code 5'
check "the other ranks were stopped quickly" quick
check "no process is left behind" none_left

run -n 2 "$PROBE" nofinalize
check "exit without finalize gives status 1" is "$status" 1
check "the message says MPI_Finalize was not called" has err 'exited without calling MPI_Finalize'

run -n 1 true : -n 1 "$PROBE" ok
check "a rank that exits while another waits in a barrier ends the job" \
    eval 'is "$status" 1 && quick'
check "the message names the missing rank" has err 'rank 0 .*exited while other ranks wait for it'
check "no process is left behind" none_left

run -n 2 --timeout 1 "$PROBE" hang
check "--timeout gives status 124" is "$status" 124
check "the message names the timeout" has err 'timed out after 1 s \(--timeout\)'
check "the job ended soon after the timeout" quick
check "no process is left behind" none_left

run -n 2 --timeout 1 "$PROBE" trapterm
check "ranks ignoring SIGTERM are killed: status 124" eval 'is "$status" 124 && quick'
check "no process is left behind" none_left

run -n 2 sh -c 'sleep 300 & exit 3'
check "a failing rank's own children are killed too" eval 'is "$status" 3 && quick && none_left'

# --disable-auto-cleanup: a failed rank is reported, the others run on. Rank 1
# exits; the others finish only once mpirun has reaped it (kill -0 fails), so
# without the option they would have been stopped before printing.
cat >outlive <<'EOF'
#!/bin/bash
if [ "$PMI_RANK" = 1 ]; then echo $$ >pid1.tmp && mv pid1.tmp pid1; exit 5; fi
until [ -s pid1 ]; do sleep 0.05; done
while kill -0 "$(cat pid1)" 2>/dev/null; do sleep 0.05; done
echo "rank $PMI_RANK done"
[ "$PMI_RANK" = 2 ] && exit 6
exit 0
EOF
chmod +x outlive
rm -f pid1
run -n 3 --disable-auto-cleanup ./outlive
check "--disable-auto-cleanup: the others run to their end" \
    eval 'is "$(sort out | tr "\n" "|")" "rank 0 done|rank 2 done|"'
check "--disable-auto-cleanup: the first failure's status" is "$status" 5
check "--disable-auto-cleanup: every failure is reported" \
    eval 'has err "rank 1 \(pid [0-9]+\) on host .* exited with status 5" && has err "rank 2 .*exited with status 6"'
rm -f pid1
run -n 3 ./outlive
check "without it the others are stopped" \
    eval 'is "$status" 5 && ! has out done && quick && none_left'

run -n 3 -disable-auto-cleanup "$PROBE" segv 1
check "-disable-auto-cleanup (hydra's spelling): a crash gives its status" is "$status" 139
check "a crash while the others wait in a PMI barrier fails the barrier for them" \
    eval 'has err "rank 1 .*killed by signal 11" && has err "the barrier fails for them" && has err "rank [02] .*exited" && quick && none_left'

run -n 3 --disable-auto-cleanup "$PROBE" abort 0 5
check "--disable-auto-cleanup: MPI_Abort still stops the whole job" \
    eval 'is "$status" 5 && has err "called MPI_Abort with error code 5" && quick && none_left'

# A rank killed before every local rank has mapped the shared-memory segment
# leaves it in /dev/shm; mpirun removes the job's (tern-<its pid>-*) at the end.
# run_bg ARGS...: as run, with mpirun's own pid in mpirun_pid.
run_bg() {
    local t0=$EPOCHREALTIME watchdog
    "$MPIRUN" "$@" </dev/null >out 2>err &
    mpirun_pid=$!
    { sleep 60 && kill -KILL "$mpirun_pid"; } 2>/dev/null &
    watchdog=$!
    wait "$mpirun_pid"
    status=$?
    kill "$watchdog" 2>/dev/null
    elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
}
no_segment() { ! ls /dev/shm/tern-"$mpirun_pid"-* >/dev/null 2>&1; }

cat >leaves_segment <<'EOF'
#!/bin/bash
# rank 0 prints, leaves a segment and dies; the others wait to be stopped (had
# they died too, mpirun could stop rank 0 before it printed)
[ "$PMI_RANK" = 0 ] || exec sleep 60
echo "job $TERN_JOB_ID"
: >"/dev/shm/tern-$TERN_JOB_ID-$$-0000000000000000"
kill -KILL $$
EOF
chmod +x leaves_segment
run_bg -n 2 ./leaves_segment
check "TERN_JOB_ID is mpirun's pid" has out "^job $mpirun_pid$"
check "a killed rank's shm segment is removed by mpirun" eval 'is "$status" 137 && no_segment'

# The same with Tern's own MPI programs when an mpicc sits beside mpirun (an
# installed mpirun): tests/mpi/shm_killed.c kills rank 1 in MPI_Init once the
# segment exists (init), or while the others flood it with sends.
if [ -x "$(dirname "$MPIRUN")/mpicc" ] &&
    "$(dirname "$MPIRUN")/mpicc" -o shm_killed "$SRC/tests/mpi/shm_killed.c" 2>/dev/null; then
    for mode in init flood; do
        run_bg -n 4 ./shm_killed "$mode"
        check "shm_killed $mode: the job ends with rank 1's SIGKILL" \
            eval '[ "$status" -ne 0 ] && has err "rank 1 .*killed by signal 9" && quick && none_left'
        check "shm_killed $mode: no segment of the job is left in /dev/shm" no_segment
    done
    # libfabric's shm provider names its regions like Tern's segments, so
    # that a killed rank's one is removed too (and a recycled pid finds none)
    if "$(dirname "$MPIRUN")/tern_info" 2>/dev/null | grep -q '^  ofi '; then
        # (libfabric's own names are <pid>:<uid>:<n>)
        fi_regions() { find /dev/shm -maxdepth 1 -name '*:*:*' | sort; }
        fi_regions >regions.before
        TERN_TRANSPORTS=ofi FI_PROVIDER=shm run_bg -n 4 ./shm_killed flood
        check "shm_killed flood over libfabric shm: the job ends with rank 1's SIGKILL" \
            eval '[ "$status" -ne 0 ] && has err "rank 1 .*killed by signal 9" && quick && none_left'
        check "shm_killed flood over libfabric shm: no region of the job is left in /dev/shm" \
            eval 'no_segment && fi_regions | comm -13 regions.before - | cmp -s - /dev/null'
    fi
else
    echo "skip shm_killed: no Tern mpicc beside $MPIRUN"
fi

# SIGINT to mpirun while the ranks run
"$MPIRUN" -n 2 "$PROBE" hang </dev/null >out 2>err &
mpirun_pid=$!
for _ in $(seq 50); do [ "$(grep -c '^pid' out)" -eq 2 ] && break; sleep 0.2; done
t0=$EPOCHREALTIME
kill -INT "$mpirun_pid"
wait "$mpirun_pid"
status=$?
elapsed=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
check "SIGINT to mpirun gives status 130" eval 'is "$status" 130 && quick'
check "no process is left behind after SIGINT" none_left

# SIGKILL to mpirun: the ranks must not outlive it
"$MPIRUN" -n 2 "$PROBE" hang </dev/null >out 2>err &
mpirun_pid=$!
for _ in $(seq 50); do [ "$(grep -c '^pid' out)" -eq 2 ] && break; sleep 0.2; done
{ kill -KILL "$mpirun_pid" && wait "$mpirun_pid"; } 2>/dev/null # no "Killed" notice
check "ranks die with mpirun when it is killed by SIGKILL" none_left

# --- command line errors -----------------------------------------------------
run -n 2 ./no-such-program
check "missing program: status 127, no hang" eval 'is "$status" 127 && quick'
check "missing program: clear message" has err '^mpirun: \./no-such-program: No such file or directory$'

printf '#!/bin/sh\n' >not-executable
run -n 1 ./not-executable
check "non-executable program gives status 126" is "$status" 126

run --no-such-option -n 1 true
check "unknown option: status 2 and a message" \
    eval 'is "$status" 2 && has err "unknown option .--no-such-option."'

run -host localhost,"$(hostname)" -n 1 true
check "-host with this machine is accepted" is "$status" 0
run --host some-other-node -n 1 true
check "remote host: clear error" \
    eval 'is "$status" 2 && has err "remote hosts are not supported yet"'

run -n 1 --oversubscribe --allow-run-as-root -n 3 true
check "--oversubscribe and --allow-run-as-root are accepted" is "$status" 0

run --help
check "--help prints usage" eval 'is "$status" 0 && has out "^Usage: mpirun"'
check "--help documents --disable-auto-cleanup" has out "^  --disable-auto-cleanup"
run --version
check "--version prints the version" eval 'is "$status" 0 && has out "^mpirun \(Tern\)"'

# --- raw PMI: malformed and unknown lines are answered, not fatal ----------
cat >rawpmi <<'EOF'
#!/bin/bash
ask() { echo "$1" >&"$PMI_FD"; read -r -u "$PMI_FD" reply; echo "$reply"; }
ask "cmd=init pmi_version=1 pmi_subversion=1"
kvs=$(ask "cmd=get_my_kvsname" | sed -E 's/.*kvsname=([^ ]+).*/\1/')
ask "this is not pmi"
ask "cmd=frobnicate"
ask "cmd=get kvsname=$kvs key=no-such-key"
ask "cmd=put kvsname=$kvs key=k1 value=v1"
ask "cmd=get kvsname=$kvs key=k1"
ask "cmd=finalize"
EOF
chmod +x rawpmi
run -n 1 ./rawpmi
check "a rank sending bad PMI lines does not break mpirun" is "$status" 0
check "init is answered rc=0" has out '^cmd=response_to_init .*rc=0'
check "a malformed line gets an error reply" has out '^cmd=error rc=-1 msg=malformed_line$'
check "a malformed line is reported" has err 'rank 0 sent a malformed PMI line'
check "an unknown command gets an error reply" has out '^cmd=error rc=-1 msg=unsupported_command$'
check "a missing key gets rc=-1" has out '^cmd=get_result rc=-1 msg=key_not_found$'
check "put then get returns the value" has out '^cmd=get_result rc=0 value=v1$'
check "finalize is acknowledged" has out '^cmd=finalize_ack'

# --- programs built with MPICH -----------------------------------------------
if command -v mpicc.mpich >/dev/null; then
    cat >ring.c <<'EOF'
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv)
{
    int rank, size, token = 0;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    if (argc > 1 && rank == atoi(argv[1]))
        MPI_Abort(MPI_COMM_WORLD, 9);
    if (rank == 0) {
        MPI_Send(&token, 1, MPI_INT, 1 % size, 0, MPI_COMM_WORLD);
        MPI_Recv(&token, 1, MPI_INT, size - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        printf("ring of %d done, token %d\n", size, token);
    } else {
        MPI_Recv(&token, 1, MPI_INT, rank - 1, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
        token++;
        MPI_Send(&token, 1, MPI_INT, (rank + 1) % size, 0, MPI_COMM_WORLD);
    }
    MPI_Finalize();
    return 0;
}
EOF
    if mpicc.mpich -o ring ring.c 2>mpicc.err; then
        run -n 4 ./ring
        check "MPICH-built ring runs under mpirun" \
            eval 'is "$status" 0 && has out "^ring of 4 done, token 3$"'
        run -n 3 ./ring 1
        check "MPICH-built MPI_Abort gives its code" \
            eval 'is "$status" 9 && has err "rank 1 .*MPI_Abort with error code 9"'
        check "no process is left behind" none_left
    else
        echo "skip MPICH programs: mpicc.mpich failed: $(head -1 mpicc.err)"
    fi
else
    echo "skip MPICH programs: no mpicc.mpich"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
