//! A proxy on 127.0.0.1 for the tests: one that forwards plain-HTTP requests (absolute form,
//! as a client sends them to a proxy), one that wants credentials (407), one that refuses every
//! tunnel (`CONNECT` answered 403), a SOCKS5 proxy, and a port where nothing listens. Every
//! request it sees is logged.

use std::io::{BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Forward `GET http://HOST:PORT/PATH` to the server and relay its answer.
    Forward,
    /// Answer everything `407 Proxy Authentication Required`.
    WantsCredentials,
    /// Answer `CONNECT` with 403 (a proxy that blocks a host).
    RefuseTunnels,
    /// SOCKS5 without authentication; logs each connection as `CONNECT HOST:PORT`.
    Socks5,
}

/// One request as the proxy saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        super::server::find_header(&self.headers, name)
    }
}

#[derive(Clone)]
pub struct Proxy {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Proxy {
    pub fn start(mode: Mode) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}", listener.local_addr().expect("local addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                thread::spawn(move || serve(stream, mode, &log));
            }
        });
        Proxy { url, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// `http://127.0.0.1:PORT` where nothing listens (bound, then closed).
pub fn dead_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let url = format!("http://{}", listener.local_addr().expect("local addr"));
    drop(listener);
    url
}

fn serve(stream: TcpStream, mode: Mode, log: &Mutex<Vec<Seen>>) {
    if mode == Mode::Socks5 {
        socks5(stream, log);
        return;
    }
    let Ok(mut client) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    loop {
        let Some(super::server::Head {
            method,
            target,
            headers,
            raw: head,
        }) = super::server::read_head(&mut reader)
        else {
            return;
        };
        let seen = Seen {
            method,
            target,
            headers,
        };
        log.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(seen.clone());
        let answer = match (mode, seen.method.as_str()) {
            (Mode::WantsCredentials, _) => {
                "HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"test\"\r\nContent-Length: 0\r\n\r\n"
            }
            (_, "CONNECT") | (Mode::RefuseTunnels, _) => {
                "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"
            }
            (Mode::Forward | Mode::Socks5, _) => {
                forward(&seen, &head, &mut client);
                return;
            }
        };
        if client.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

/// Send the request to its server with `Connection: close`, and relay the answer, telling the
/// client the connection closes after it.
fn forward(seen: &Seen, head: &[String], client: &mut TcpStream) {
    let Some(rest) = seen.target.strip_prefix("http://") else {
        return;
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let Ok(mut server) = TcpStream::connect(authority) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let path = if path.is_empty() { "/" } else { path };
    let mut request = format!("{} {path} HTTP/1.1\r\n", seen.method);
    for line in head {
        let name = line.split(':').next().unwrap_or("").trim();
        if !name.to_ascii_lowercase().starts_with("proxy-")
            && !name.eq_ignore_ascii_case("connection")
        {
            request.push_str(line);
            request.push_str("\r\n");
        }
    }
    request.push_str("Connection: close\r\n\r\n");
    if server.write_all(request.as_bytes()).is_err() {
        return;
    }
    let mut answer = Vec::new();
    let _ = server.read_to_end(&mut answer);
    // "Connection: close" right after the status line.
    if let Some(end) = answer.windows(2).position(|w| w == b"\r\n") {
        answer.splice(end + 2..end + 2, b"Connection: close\r\n".iter().copied());
    }
    let _ = client.write_all(&answer);
    let _ = client.shutdown(std::net::Shutdown::Both);
}

/// One SOCKS5 connection (RFC 1928, no authentication, `CONNECT` only): connect where the
/// client asks, then relay both ways.
fn socks5(mut client: TcpStream, log: &Mutex<Vec<Seen>>) {
    let mut greeting = [0u8; 2];
    if client.read_exact(&mut greeting).is_err() || greeting[0] != 5 {
        return;
    }
    let mut methods = vec![0u8; usize::from(greeting[1])];
    if client.read_exact(&mut methods).is_err() || client.write_all(&[5, 0]).is_err() {
        return;
    }
    let mut request = [0u8; 4];
    if client.read_exact(&mut request).is_err() || request[1] != 1 {
        return;
    }
    let host = match request[3] {
        1 => {
            let mut ip = [0u8; 4];
            if client.read_exact(&mut ip).is_err() {
                return;
            }
            std::net::Ipv4Addr::from(ip).to_string()
        }
        3 => {
            let mut len = [0u8; 1];
            let mut name = vec![0u8; 255];
            if client.read_exact(&mut len).is_err()
                || client.read_exact(&mut name[..usize::from(len[0])]).is_err()
            {
                return;
            }
            String::from_utf8_lossy(&name[..usize::from(len[0])]).into_owned()
        }
        _ => return,
    };
    let mut port = [0u8; 2];
    if client.read_exact(&mut port).is_err() {
        return;
    }
    let target = format!("{host}:{}", u16::from_be_bytes(port));
    log.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(Seen {
            method: "CONNECT".to_owned(),
            target: target.clone(),
            headers: Vec::new(),
        });
    let Ok(server) = TcpStream::connect(&target) else {
        let _ = client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
        return;
    };
    if client.write_all(&[5, 0, 0, 1, 0, 0, 0, 0, 0, 0]).is_err() {
        return;
    }
    let (Ok(mut client_in), Ok(mut server_out)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let up = thread::spawn(move || {
        let _ = std::io::copy(&mut client_in, &mut server_out);
        let _ = server_out.shutdown(std::net::Shutdown::Write);
    });
    let (mut server_in, mut client_out) = (server, client);
    let _ = std::io::copy(&mut server_in, &mut client_out);
    let _ = client_out.shutdown(std::net::Shutdown::Both);
    let _ = up.join();
}
