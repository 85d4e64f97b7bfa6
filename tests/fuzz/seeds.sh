# Sourced by replay.sh and run.sh: fuzz_seeds H prints the project's own
# test files that seed harness H (besides tests/fuzz/corpus/H/), one a line.
fuzz_seeds() {
    case $1 in
    xyz) ls "$top"/tests/data/xyz/*.xyz "$top"/tests/data/lj7/*.xyz "$top"/tests/data/neb/*.xyz \
        "$top"/tests/data/dataset/*.xyz "$top"/examples/*/*.xyz ;;
    data_xml) ls "$top"/tests/data/dataset/*.xml "$top"/tests/data/fit/*.xml ;;
    input_data) ls "$top"/tests/data/dataset/*.data ;;
    potential_xml) ls "$top"/tests/data/potential/*.xml ;;
    esac 2>/dev/null
}
