/*
 * Stand-in for bcryptprimitives.dll, for running audit.exe under Wine in CI only.
 *
 * Why it exists: Rust's standard library (1.78 and later) gets random bytes on Windows from
 * ProcessPrng in bcryptprimitives.dll, which every supported Windows (10 and later) has. Wine 8,
 * the Wine that Debian 12 ships and CI installs, has no such DLL, so any Rust program fails to
 * start under it. This DLL exports ProcessPrng and forwards to advapi32's SystemFunction036
 * (RtlGenRandom), which Wine does implement. .ci/run builds it with mingw and copies it into the
 * Wine prefix's system32. Real Windows does not need it, and it is never shipped to users.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll processprng.c \
 *          processprng.def -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG chunk = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}

BOOL WINAPI DllMain(HINSTANCE instance, DWORD reason, LPVOID reserved)
{
    (void)instance;
    (void)reason;
    (void)reserved;
    return TRUE;
}
