#!/bin/sh
# Writes the typed-table seeds of the dataset fuzz target (tests/fuzz/corpus/dataset/table_*.h5):
# small CSVs, each imported by `gantool prepare` (booleans, categories, dates and times,
# missing values, integers beyond float32, a normalized table, a numeric matrix with integer
# columns), then repacked by h5repack (hdf5-tools) into chunks of 8 rows: gantool writes chunks
# of 16,384 rows, 128 KiB per int64 column even for 4 rows, and libFuzzer reads only the first
# 64 KiB of an input (run.sh's -max_len). The layout is otherwise the one gantool writes.
# Usage: sh tests/fuzz/make_table_corpus.sh [GANTOOL]   (default build/gantool)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
gantool=$(realpath "${1:-build/gantool}")
out=$here/corpus/dataset
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# seed NAME CHUNK CSV-TEXT [PREPARE FLAGS...]   (CHUNK: 8 for a typed table's 1-D columns,
# 8xCOLUMNS for a numeric matrix)
seed() {
  name=$1
  chunk=$2
  printf '%b' "$3" > "$name.csv"
  shift 3
  "$gantool" prepare --from "$name.csv" -o "$name.h5" -q "$@"
  h5repack -l "CHUNK=$chunk" "$name.h5" "$out/table_$name.h5"
  echo "$out/table_$name.h5: $(wc -c < "$out/table_$name.h5") bytes"
}

seed bool_cat_missing 8 'flag,color,n\nyes,red,1\nno,blue,\nyes,NA,3\nno,red,4\n'
seed dates 8 'day,temp,rain\n2012/01/01,1.5,true\n2012/01/02,,false\n2012/01/03,-2.25,true\n'
seed datetime_time 8 'when,kind,n\n2012-01-31 08:00,a,1\n2012-02-01 09:30,b,2\n,"c, d",3\n'
seed bigint 8 'id,v\n123456789012,1\n-5,2\n9223372036854775807,3\n'
seed normalized 8 'x,k,m\n1.5,a,7\n2.5,b,9\n-1,a,11\n0.25,c,\n' --normalize standard
seed missing_numeric 8 'a,b\n1,2.5\nNA,3\n4,nan\n'
seed dropped 8 'n,w\n1,x\n2,\n3,y\n' --drop-missing --max-categories 5
seed integer_matrix 8x3 'i,r,j\n1,0.5,-3\n2,1.5,4\n3,2.5,5\n' --normalize minmax
