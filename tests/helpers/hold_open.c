/*
 * hold_open.exe FILE: keep FILE open the way Excel keeps a workbook it has open (GENERIC_READ |
 * GENERIC_WRITE, shared for reading only), so that the Windows tests can check that audit refuses
 * to replace it and changes nothing. Prints "held" once the file is open, then holds it until its
 * standard input is closed (or a line is read). Exit 2 if the file cannot be opened.
 *
 * Built by .ci/run with: x86_64-w64-mingw32-gcc -O2 -municode -o hold_open.exe hold_open.c
 * The tests find it through the environment variable AUDIT_TEST_HOLD_OPEN.
 */
#include <windows.h>
#include <stdio.h>

int wmain(int argc, wchar_t **argv)
{
    HANDLE file, in;
    char buf[64];
    DWORD n;

    if (argc != 2) {
        fprintf(stderr, "usage: hold_open FILE\n");
        return 2;
    }
    file = CreateFileW(argv[1], GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ, NULL,
                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE) {
        fprintf(stderr, "hold_open: cannot open (error %lu)\n", GetLastError());
        return 2;
    }
    printf("held\n");
    fflush(stdout);
    in = GetStdHandle(STD_INPUT_HANDLE);
    ReadFile(in, buf, sizeof buf, &n, NULL);
    CloseHandle(file);
    return 0;
}
