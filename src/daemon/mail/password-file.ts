// The SMTP AUTH password, read from a file that only root can read. /etc/config/vrrp is readable through LuCI and
// `uci show`, so the password never goes there; a file another user can read (or replace) is refused rather than
// used, and the reason is logged.
import { readFile, stat } from "node:fs/promises";

export async function readPasswordFile(path: string): Promise<string> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`smtp_password_file ${path} is not a regular file`);
  if (info.uid !== 0) throw new Error(`smtp_password_file ${path} must belong to root (uid ${info.uid}); not used`);
  if ((info.mode & 0o077) !== 0) throw new Error(`smtp_password_file ${path} is readable or writable by others (mode ${(info.mode & 0o777).toString(8)}); chmod 600 it`);
  const first = (await readFile(path, "utf8")).split(/\r?\n/, 1)[0] ?? "";
  if (first === "") throw new Error(`smtp_password_file ${path} is empty`);
  return first;
}
