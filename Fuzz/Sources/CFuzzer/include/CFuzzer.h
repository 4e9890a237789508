#ifndef LODESTAR_CFUZZER_H
#define LODESTAR_CFUZZER_H
#include <stddef.h>
#include <stdint.h>
// libFuzzer's entry for programs with their own main (LLVM >= 13): parses the fuzzer flags in argv and runs
// `callback` on every input. The fuzz targets' main.swift calls it, so SwiftPM's renamed entry point works.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
