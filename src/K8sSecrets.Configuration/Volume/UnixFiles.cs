using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace K8sSecrets.Configuration;

/// <summary>
/// The two things .NET does not expose about a file on Linux: its type (so a named pipe, socket or
/// device is refused instead of blocking a read forever) and its identity (device and inode, so a
/// replaced mount folder is noticed). Uses <c>open(O_NONBLOCK)</c> and <c>statx</c>, whose buffer has
/// one layout on every architecture. Elsewhere, or where the C library lacks them, it falls back to
/// .NET's own open and reports no identity.
/// </summary>
internal static partial class UnixFiles
{
    private const int AtFdCwd = -100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxTypeAndInode = 0x1 | 0x100;
    private const int OpenReadNonBlocking = 0x800 /* O_NONBLOCK */ | 0x100 /* O_NOCTTY */ | 0x80000 /* O_CLOEXEC */;
    private const int TypeMask = 0xF000;
    private const int RegularFile = 0x8000;
    private const int ErrNoEntry = 2;
    private const int ErrNotDirectory = 20;
    private const int ErrAccess = 13;
    private const int ErrPermission = 1;

    private static bool s_native = OperatingSystem.IsLinux();

    /// <summary>
    /// Opens a regular file for reading without ever blocking; returns <see langword="null"/> and a
    /// reason for anything else (a named pipe, a socket, a device).
    /// </summary>
    /// <exception cref="FileNotFoundException">The file is gone.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    /// <exception cref="IOException">The file could not be opened.</exception>
    public static SafeFileHandle? OpenRegular(string path, out string? refusal)
    {
        refusal = null;
        if (Volatile.Read(ref s_native))
        {
            try
            {
                return OpenRegularNative(path, out refusal);
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                Volatile.Write(ref s_native, false);
            }
        }

        return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    /// <summary>The device and inode of <paramref name="path"/> (links followed), or zeros when unknown.</summary>
    public static (ulong Device, ulong Inode) Identity(string path)
    {
        if (Volatile.Read(ref s_native))
        {
            try
            {
                if (statx(AtFdCwd, path, 0, StatxTypeAndInode, out var status) == 0)
                {
                    return (((ulong)status.DevMajor << 32) | status.DevMinor, status.Inode);
                }
            }
            catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
            {
                Volatile.Write(ref s_native, false);
            }
        }

        return default;
    }

    private static SafeFileHandle? OpenRegularNative(string path, out string? refusal)
    {
        refusal = null;
        var fd = open(path, OpenReadNonBlocking);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            var reason = Marshal.GetPInvokeErrorMessage(errno);
            throw errno switch
            {
                ErrNoEntry or ErrNotDirectory => new FileNotFoundException(reason, path),
                ErrAccess or ErrPermission => new UnauthorizedAccessException(reason),
                _ => new IOException(reason),
            };
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (statx(fd, string.Empty, AtEmptyPath, StatxTypeAndInode, out var status) != 0)
        {
            var reason = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
            handle.Dispose();
            throw new IOException(reason);
        }

        if ((status.Mode & TypeMask) != RegularFile)
        {
            handle.Dispose();
            refusal = $"is not a regular file ({Describe(status.Mode)}) and is not read";
            return null;
        }

        return handle;
    }

    private static string Describe(int mode) => (mode & TypeMask) switch
    {
        0x1000 => "a named pipe",
        0xC000 => "a socket",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0x4000 => "a folder",
        _ => "an unknown kind of file",
    };

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, out Statx buffer);

    /// <summary>The fields used of <c>struct statx</c> (linux/stat.h), whose layout is the same on every architecture.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(28)]
        public ushort Mode;

        [FieldOffset(32)]
        public ulong Inode;

        [FieldOffset(136)]
        public uint DevMajor;

        [FieldOffset(140)]
        public uint DevMinor;
    }
}
