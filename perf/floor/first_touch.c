/* How fast this machine hands a process new memory: maps N GiB of fresh anonymous memory and writes one byte per
 * 4 KiB page, so the time is the kernel's page faults and page clearing alone — the floor under building the sparse
 * copies of a big X (which writes that much new memory once). Usage: first_touch [GiB, default 4]
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "probe_clock.h"

int main(int argc, char** argv)
{
    double gib = argc > 1 ? atof(argv[1]) : 4.0;
    size_t bytes = (size_t)(gib * (double)(1UL << 30));
    unsigned char* p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
    {
        perror("mmap");
        return 1;
    }

    double t0 = seconds();
    for (size_t i = 0; i < bytes; i += 4096)
    {
        p[i] = 1;
    }

    double t = seconds() - t0;
    printf("first touch of %.1f GiB: %.2f s = %.2f GB/s\n", gib, t, (double)bytes / t / 1e9);
    munmap(p, bytes);
    return 0;
}
