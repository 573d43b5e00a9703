namespace Cloak.Kernel.Abi;

/// <summary>Linux errno values (asm-generic/errno-base.h, errno.h); syscalls return their negation.</summary>
public enum Errno : long
{
    EPERM = 1,
    ENOENT = 2,
    ESRCH = 3,
    EINTR = 4,
    EBADF = 9,
    ECHILD = 10,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    EINVAL = 22,
    EMFILE = 24,
    ENOSPC = 28,
    EPIPE = 32,
    ENAMETOOLONG = 36,
    ENOSYS = 38,
    EMSGSIZE = 90,
}
