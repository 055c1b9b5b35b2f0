/* Flags and constants: unknown bits, prctl's argument counts, mlockall, mremap. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <linux/prctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

//@ prctl | -e trace=prctl | -x -e trace=prctl
//@ mlock | -e trace=mlockall,munlockall
//@ mremap | -e trace=mremap
//@ unknown | -e trace=mmap,mprotect,open,openat,access,faccessat,flock,madvise,clone,unshare,setns,eventfd2
//@ constants | -e trace=lseek,fcntl,socket,kill,rt_sigprocmask,madvise,fadvise64,personality | -X raw -e trace=lseek,socket,madvise,fadvise64 | -X verbose -e trace=lseek,socket,madvise,fadvise64
//@ mmapx | -X raw -e trace=mmap,mprotect,access | -X verbose -e trace=mmap,mprotect,access

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "prctl")) {
        prctl(PR_GET_KEEPCAPS);
        prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
        prctl(PR_GET_DUMPABLE);
        prctl(PR_SET_NAME, "fidelity", 0, 0, 0);
        char name[16];
        prctl(PR_GET_NAME, name, 0, 0, 0);
        prctl(PR_SET_PDEATHSIG, SIGTERM);
        int sig;
        prctl(PR_GET_PDEATHSIG, &sig);
        prctl(PR_CAPBSET_READ, 21, 0, 0, 0);
        prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
        prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
        prctl(0x7777, 1, 2, 3, 4);
        prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
        prctl(PR_SET_THP_DISABLE, 0, 0, 0, 0);
        prctl(PR_GET_THP_DISABLE, 0, 0, 0, 0);
        unsigned long tid_addr;
        prctl(PR_GET_TID_ADDRESS, &tid_addr, 0, 0, 0);
        prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0);
        prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, 21, 0, 0);
        prctl(PR_SET_PTRACER, 0, 0, 0, 0);
        prctl(PR_MCE_KILL_GET, 0, 0, 0, 0);
        prctl(PR_GET_IO_FLUSHER, 0, 0, 0, 0);
        prctl(PR_SET_VMA, PR_SET_VMA_ANON_NAME, 0x1000, 10, "x");
    } else if (!strcmp(c, "mlock")) {
        mlockall(MCL_CURRENT);
        mlockall(MCL_CURRENT | MCL_FUTURE);
        mlockall(0x80);
        munlockall();
    } else if (!strcmp(c, "mremap")) {
        char *p = mmap((void *)0x400000000, 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        p = mremap(p, 4096, 8192, 0);
        p = mremap(p, 4096, 8192, MREMAP_MAYMOVE);
        mremap(p, 8192, 8192, MREMAP_MAYMOVE | MREMAP_FIXED, (void *)0x500000000);
    } else if (!strcmp(c, "unknown")) {
        mmap(NULL, 4096, PROT_READ | 0x100, MAP_PRIVATE | MAP_ANONYMOUS | 0x8000000, -1, 0);
        mprotect((void *)0x600000000, 4096, PROT_READ | PROT_EXEC | 0x1000);
        open("/nonexistent", O_RDONLY | 0x4000000);
        access("/nonexistent", 0x70);
        flock(1000, LOCK_EX | 0x40);
        madvise((void *)0x600000000, 4096, 0x777);
        syscall(SYS_clone, CLONE_CLEAR_SIGHAND | CLONE_SIGHAND | 0xbadc0de000000000UL | SIGCHLD, 0, 0, 0, 0);
        unshare(CLONE_NEWUTS | 0x2);
        syscall(SYS_eventfd2, 0, 0x40);
    } else if (!strcmp(c, "mmapx")) {
        void *p = mmap((void *)0x700000000, 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        mprotect(p, 4096, PROT_READ);
        access("/", R_OK | X_OK);
        access("/nonexistent", F_OK);
    } else if (!strcmp(c, "constants")) {
        syscall(SYS_lseek, 1000, 0, 7);
        fcntl(1000, 0x777);
        fcntl(1000, F_SETFL, O_NONBLOCK | 0x80000000);
        socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        socket(77, SOCK_STREAM, 0);
        syscall(SYS_kill, 0x7ffffff0, 77);
        syscall(SYS_rt_sigprocmask, 9, NULL, NULL, 8);
        posix_fadvise(1000, 0, 0, 77);
        personality(0xffffffff);
    }
    return 0;
}
