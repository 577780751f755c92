"""Operations: the entry points `make` runs (dbt as a batch job, a night of live grading, the run locks)."""
