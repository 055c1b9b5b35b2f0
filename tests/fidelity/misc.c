/* A spread of common calls, each in its usual form (no family of its own). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <unistd.h>

//@ files | -e trace=mkdirat,mkdir,symlinkat,symlink,readlinkat,readlink,renameat2,rename,unlinkat,unlink,linkat,link,fchmodat,chmod,fchownat,chown,faccessat2,access,truncate,ftruncate,fallocate,fsync,fdatasync,dup3,dup2,flock,getcwd,chdir,rmdir
//@ fds | -e trace=eventfd2,timerfd_create,timerfd_settime,signalfd4,epoll_create1,epoll_ctl,epoll_wait,epoll_pwait,inotify_init1,inotify_add_watch,memfd_create,ioctl,close
//@ sock | -e trace=socket,socketpair,bind,listen,connect,accept4,setsockopt,getsockopt,shutdown,sendmsg,recvmsg,sendto,recvfrom
//@ mem | -e trace=mmap,munmap,mprotect,madvise,msync,mlock,munlock,mlock2,brk
//@ stats | -e trace=newfstatat,statx,statfs,fstatfs,lstat,stat,fstat | -v -e trace=statfs
//@ exec | -e trace=execve -e signal=none
//@ segv | -e trace=none | -e trace=none -e signal=none
//@ abort | -e trace=rt_sigprocmask -e signal=none
//@ proc | -e trace=capset,rt_sigaction,rt_sigprocmask,getrlimit,prlimit64,setrlimit,capget,getresuid,getresgid,umask,sched_yield,getpriority,alarm,setitimer,getitimer

int main(int argc, char **argv) {
    const char *c = argc > 1 ? argv[1] : "";
    if (!strcmp(c, "files")) {
        mkdir("d", 0750);
        symlink("d", "l");
        char buf[64];
        readlink("l", buf, sizeof buf);
        readlink("d", buf, sizeof buf);
        rename("l", "m");
        syscall(SYS_renameat2, AT_FDCWD, "m", AT_FDCWD, "n", 1 /* RENAME_NOREPLACE */);
        link("/nonexistent", "x");
        chmod("d", 0700);
        chown("d", 0, 0);
        fchownat(AT_FDCWD, "n", -1, -1, AT_SYMLINK_NOFOLLOW);
        syscall(SYS_faccessat2, AT_FDCWD, "d", R_OK, AT_EACCESS);
        int fd = open("f", O_RDWR | O_CREAT, 0644);
        ftruncate(fd, 100);
        truncate("f", 10);
        fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 4096);
        fsync(fd);
        fdatasync(fd);
        dup3(fd, 20, O_CLOEXEC);
        dup2(fd, 21);
        flock(fd, LOCK_EX | LOCK_NB);
        getcwd(buf, 1);
        unlink("n");
        unlinkat(AT_FDCWD, "d", AT_REMOVEDIR);
        rmdir("/nonexistent");
    } else if (!strcmp(c, "fds")) {
        int e = eventfd(3, EFD_CLOEXEC | EFD_NONBLOCK);
        int t = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
        struct itimerspec its = {{0, 0}, {10, 0}};
        timerfd_settime(t, 0, &its, NULL);
        sigset_t m;
        sigemptyset(&m);
        sigaddset(&m, SIGUSR1);
        signalfd(-1, &m, SFD_NONBLOCK);
        int ep = epoll_create1(EPOLL_CLOEXEC);
        struct epoll_event ev = {EPOLLIN | EPOLLET, {.u64 = 7}};
        epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev);
        struct epoll_event out[4];
        epoll_wait(ep, out, 4, 0);
        int in = inotify_init1(IN_NONBLOCK);
        close(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
        inotify_add_watch(in, "/", IN_CREATE | IN_DELETE);
        syscall(SYS_memfd_create, "buf", MFD_CLOEXEC);
        int n;
        ioctl(e, FIONREAD, &n);
        ioctl(0, TCGETS, &n);
        close(in);
    } else if (!strcmp(c, "sock")) {
        int sv[2];
        socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
        int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_un a = {AF_UNIX, "/nonexistent/sock"};
        connect(s, (struct sockaddr *)&a, sizeof a);
        bind(s, (struct sockaddr *)&a, sizeof a);
        int one = 1;
        setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof one);
        int err;
        socklen_t len = sizeof err;
        getsockopt(s, SOL_SOCKET, SO_ERROR, &err, &len);
        listen(s, 5);
        shutdown(sv[0], SHUT_WR);
        struct iovec iov = {"hi", 2};
        struct msghdr mh = {0};
        mh.msg_iov = &iov;
        mh.msg_iovlen = 1;
        sendmsg(sv[1], &mh, MSG_DONTWAIT);
        char buf[8];
        struct iovec riov = {buf, sizeof buf};
        mh.msg_iov = &riov;
        recvmsg(sv[0], &mh, MSG_DONTWAIT);
        sendto(sv[1], "yo", 2, MSG_NOSIGNAL, NULL, 0);
        recvfrom(sv[0], buf, sizeof buf, 0, NULL, NULL);
    } else if (!strcmp(c, "mem")) {
        char *p = mmap((void *)0x800000000, 3 * 4096, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED | MAP_POPULATE, -1, 0);
        mprotect(p + 4096, 4096, PROT_NONE);
        madvise(p, 4096, MADV_DONTNEED);
        msync(p, 4096, MS_ASYNC | MS_INVALIDATE);
        mlock(p, 4096);
        munlock(p, 4096);
        syscall(SYS_mlock2, p, 4096, 1 /* MLOCK_ONFAULT */);
        munmap(p, 3 * 4096);
        mmap(NULL, 4096, PROT_READ, MAP_SHARED, -1, 0);
        int fd = open("/etc/passwd", O_RDONLY);
        mmap((void *)0x900000000, 4096, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
    } else if (!strcmp(c, "stats")) {
        struct stat st;
        stat("/dev/null", &st);
        lstat("/nonexistent", &st);
        fstat(1000, &st);
        struct statx sx;
        statx(AT_FDCWD, "/dev/null", AT_SYMLINK_NOFOLLOW, STATX_TYPE | STATX_MODE, &sx);
        struct statfs sf;
        statfs("/nonexistent", &sf);
        statfs("/proc", &sf);
    } else if (!strcmp(c, "exec")) {
        if (fork() == 0) {
            char *args[] = {"true", "with", "args", NULL};
            char *env[] = {"A=1", "B=2", NULL};
            execve("/nonexistent/true", args, env);
            execve("/bin/true", args, env);
        }
        int st;
        wait(&st);
    } else if (!strcmp(c, "segv")) {
        *(volatile int *)0x10 = 1;
    } else if (!strcmp(c, "abort")) {
        abort();
    } else if (!strcmp(c, "proc")) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = SIG_IGN;
        sigaction(SIGTERM, &sa, NULL);
        sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
        sa.sa_sigaction = (void *)0x1234;
        sigaction(SIGUSR2, &sa, NULL);
        sigset_t s;
        sigfillset(&s);
        sigprocmask(SIG_SETMASK, &s, NULL);
        sigemptyset(&s);
        sigprocmask(SIG_SETMASK, &s, NULL);
        struct rlimit rl;
        getrlimit(RLIMIT_NOFILE, &rl);
        setrlimit(RLIMIT_CORE, &rl);
        struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
        struct __user_cap_data_struct d[2];
        syscall(SYS_capget, &h, d);
        syscall(SYS_capset, &h, d);
        h.version = 0x12345678;
        syscall(SYS_capget, &h, NULL);
        uid_t r, e, sv;
        getresuid(&r, &e, &sv);
        getresgid(&r, &e, &sv);
        umask(022);
        sched_yield();
        alarm(100);
        alarm(0);
        struct itimerval it = {{0, 0}, {0, 0}}, old;
        setitimer(ITIMER_REAL, &it, &old);
        getitimer(ITIMER_PROF, &old);
    }
    return 0;
}
