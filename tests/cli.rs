//! Behaviour of the binary as a process: closed pipes and the like.

use std::process::Stdio;

use crate::util::TestDir;

#[test]
fn a_closed_pipe_is_not_a_crash() {
    let dir = TestDir::new();
    // Enough errors to overflow any pipe buffer, so writing them must meet the closed end.
    let mut spec = String::from("version: 1\nregion: eu-west-1\n");
    for i in 0..500 {
        spec.push_str(&format!("unknown_key_{i}: x\n"));
    }
    dir.write("sesform.yaml", spec);
    for closed in ["stdout", "stderr"] {
        let mut cmd = dir.sesform();
        cmd.args(["validate", "--format", "human"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let kept = if closed == "stdout" {
            drop(stdout);
            stderr.map(|s| Box::new(s) as Box<dyn std::io::Read + Send>)
        } else {
            drop(stderr);
            stdout.map(|s| Box::new(s) as Box<dyn std::io::Read + Send>)
        };
        let reader = std::thread::spawn(move || {
            let mut sink = Vec::new();
            if let Some(mut r) = kept {
                let _ = r.read_to_end(&mut sink);
            }
        });
        let status = child.wait().unwrap();
        reader.join().unwrap();
        assert_eq!(status.code(), Some(1), "closed {closed}: {status:?}");
    }
}
