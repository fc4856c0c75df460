/*
 * Test-only stand-in for Windows' bcryptprimitives.dll, for wine 8 (Debian
 * 12), which lacks ProcessPrng. Go >= 1.22 calls ProcessPrng at start-up
 * for its random numbers, so without this no Go program starts under that
 * wine. Windows 10 and later have the real one: this file is built by
 * packaging/test-windows.sh into the throw-away wine prefix only, and never
 * shipped.
 */
#include <windows.h>

/* RtlGenRandom, exported by advapi32 as SystemFunction036. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
	while (length > 0) {
		ULONG chunk = length > 0x40000000 ? 0x40000000 : (ULONG)length;
		if (!SystemFunction036(data, chunk))
			return FALSE;
		data += chunk;
		length -= chunk;
	}
	return TRUE;
}
