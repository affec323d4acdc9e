//! A certificate as its pages and its file show it: the printed items, its status, and the QR code of its
//! verification address.

use crate::store::certificates::CertificateRow;
use crate::store::today_jst;
use crate::web::page::Page;

/// What a certificate page and the verification page show.
pub struct Printed {
    pub name: String,
    pub name_kana: String,
    pub birth: String,
    pub symbol: String,
    pub number: String,
    pub branch: String,
    pub insurer_number: String,
    pub insurer_name: String,
    pub issued_on: String,
    /// The first day, when it is not the issue day (a renewal starts the day after the one before ends).
    pub valid_from: Option<String>,
    pub valid_until: String,
    pub delivery_key: String,
    pub code: String,
}

pub fn printed(page: &Page, c: &CertificateRow) -> Printed {
    Printed {
        name: c.name.clone(),
        name_kana: c.name_kana.clone(),
        birth: page.date(&c.birth_date),
        symbol: c.symbol.clone(),
        number: c.number.clone(),
        branch: c.branch.clone(),
        insurer_number: c.insurer_number.clone(),
        insurer_name: c.insurer_name.clone(),
        issued_on: page.date(&c.issued_on),
        valid_from: (c.valid_from != c.issued_on).then(|| page.date(&c.valid_from)),
        valid_until: page.date(&c.valid_until),
        delivery_key: format!("office-cert-delivery-{}", if c.delivery == "post" { "post" } else { "download" }),
        code: c.code.clone(),
    }
}

/// `valid`, `expired`, `revoked`, or `upcoming` (a renewal whose first day has not come yet).
pub fn status_of(c: &CertificateRow) -> &'static str {
    let today = today_jst().to_string();
    if c.revoked_at.is_some() {
        "revoked"
    } else if c.valid_until.as_str() < today.as_str() {
        "expired"
    } else if c.valid_from.as_str() > today.as_str() {
        "upcoming"
    } else {
        "valid"
    }
}

pub fn status_key(status: &str) -> &'static str {
    match status {
        "valid" => "office-cert-status-valid",
        "expired" => "office-cert-status-expired",
        "revoked" => "office-cert-status-revoked",
        "upcoming" => "runs-cert-status-upcoming",
        _ => "office-cert-status-not-valid",
    }
}

/// The verification address as a QR code: SVG markup made here (no inline style; `shape-rendering` only), with
/// a text alternative. `None` if the address cannot be encoded. One unit per module, drawn 160 px wide, and
/// each row's runs of dark modules as one rectangle: a third of the bytes of one square per module, which
/// keeps a page with a QR code under the 30 KB page weight.
pub fn qr_svg(url: &str, label: &str) -> Option<askama::filters::Safe<String>> {
    use std::fmt::Write;
    const QUIET_ZONE: usize = 4;
    let code = qrcode::QrCode::new(url.as_bytes()).ok()?;
    let modules = code.width();
    let colors = code.to_colors();
    let size = modules + 2 * QUIET_ZONE;
    let label: String = label
        .chars()
        .map(|c| match c {
            '"' | '<' | '>' | '&' => ' ',
            c => c,
        })
        .collect();
    let mut svg = format!(
        "<svg class=\"certificate__qr\" role=\"img\" aria-label=\"{label}\" xmlns=\"http://www.w3.org/2000/svg\" \
         width=\"160\" height=\"160\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\""
    );
    for (y, row) in colors.chunks(modules).enumerate() {
        let mut x = 0;
        while x < modules {
            if row[x] == qrcode::Color::Dark {
                let run = row[x..].iter().take_while(|c| **c == qrcode::Color::Dark).count();
                let _ = write!(svg, "M{} {}h{run}v1h-{run}z", x + QUIET_ZONE, y + QUIET_ZONE);
                x += run;
            } else {
                x += 1;
            }
        }
    }
    svg.push_str("\"/></svg>");
    Some(askama::filters::Safe(svg))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The runs drawn in the SVG, read back into modules, are exactly the modules of the QR code.
    #[test]
    fn the_qr_code_markup_draws_exactly_the_codes_modules() {
        let url = "https://madoguchi.example.jp/verify/AbCdEfGhIjKlMnOpQrSt";
        let svg = qr_svg(url, "QR \"code\" <x>").unwrap().0;
        assert!(svg.starts_with("<svg class=\"certificate__qr\" role=\"img\" aria-label=\"QR  code   x \""), "{svg}");
        assert!(!svg.contains("style"));
        let code = qrcode::QrCode::new(url.as_bytes()).unwrap();
        let n = code.width();
        let expected: Vec<bool> = code.to_colors().iter().map(|c| *c == qrcode::Color::Dark).collect();
        let mut drawn = vec![false; n * n];
        let path = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        for run in path.split('z').filter(|r| !r.is_empty()) {
            // M{x} {y}h{len}v1h-{len}
            let (xy, rest) = run.trim_start_matches('M').split_once('h').unwrap();
            let (x, y) = xy.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse::<usize>().unwrap() - 4, y.parse::<usize>().unwrap() - 4);
            let len: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            for dx in 0..len {
                assert!(!drawn[y * n + x + dx], "drawn twice");
                drawn[y * n + x + dx] = true;
            }
        }
        assert_eq!(drawn, expected);
        assert!(svg.contains(&format!("viewBox=\"0 0 {0} {0}\"", n + 8)), "a quiet zone of 4 modules");
    }
}
