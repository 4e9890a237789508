import Foundation

/// Small SVG charts drawn by Lodestar for the run report (no JavaScript, no external assets).
enum SVGChart {
    static let width = 420.0, height = 300.0, margin = 44.0

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    private static func frame(_ title: String, xLabel: String, yLabel: String, body: String) -> String {
        let w = width, h = height, m = margin
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(w))" height="\(Int(h))" viewBox="0 0 \(Int(w)) \(Int(h))" role="img" aria-label="\(escape(title))">
        <rect width="100%" height="100%" fill="#fff"/>
        <text x="\(fmt(w / 2))" y="18" text-anchor="middle" font-size="14" font-weight="bold">\(escape(title))</text>
        <line x1="\(m)" y1="\(fmt(h - m))" x2="\(fmt(w - 12))" y2="\(fmt(h - m))" stroke="#333"/>
        <line x1="\(m)" y1="28" x2="\(m)" y2="\(fmt(h - m))" stroke="#333"/>
        <text x="\(fmt(w / 2))" y="\(fmt(h - 8))" text-anchor="middle" font-size="12">\(escape(xLabel))</text>
        <text x="12" y="\(fmt(h / 2))" text-anchor="middle" font-size="12" transform="rotate(-90 12 \(fmt(h / 2)))">\(escape(yLabel))</text>
        \(body)
        </svg>
        """
    }

    /// Maps unit-square coordinates into the plot area.
    private static func point(_ x: Double, _ y: Double) -> (Double, Double) {
        (margin + x * (width - margin - 12), (height - margin) - y * (height - margin - 28))
    }

    private static func ticks() -> String {
        (0...4).map { i -> String in
            let v = Double(i) / 4
            let (x, _) = point(v, 0), (_, y) = point(0, v)
            return "<text x=\"\(fmt(x))\" y=\"\(fmt(height - margin + 14))\" font-size=\"10\" text-anchor=\"middle\">\(String(format: "%.2f", v))</text>"
                + "<text x=\"\(fmt(margin - 4))\" y=\"\(fmt(y + 3))\" font-size=\"10\" text-anchor=\"end\">\(String(format: "%.2f", v))</text>"
        }.joined()
    }

    static func roc(_ points: [(Double, Double)], auc: Double?) -> String {
        let path = points.map { point($0.0, $0.1) }.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
        let (x0, y0) = point(0, 0), (x1, y1) = point(1, 1)
        let body = ticks() + """
        <line x1="\(fmt(x0))" y1="\(fmt(y0))" x2="\(fmt(x1))" y2="\(fmt(y1))" stroke="#bbb" stroke-dasharray="4 4"/>
        <polyline fill="none" stroke="#1f6feb" stroke-width="2" points="\(path)"/>
        """
        return frame("ROC curve" + (auc.map { " (AUC \(String(format: "%.3f", $0)))" } ?? ""), xLabel: "false positive rate",
                     yLabel: "true positive rate", body: body)
    }

    static func calibration(_ bins: [(Double, Double, Int)], title: String = "Calibration") -> String {
        let (x0, y0) = point(0, 0), (x1, y1) = point(1, 1)
        let maxCount = Double(bins.map(\.2).max() ?? 1)
        let dots = bins.map { b -> String in
            let (x, y) = point(b.0, b.1)
            let r = 3 + 6 * (Double(b.2) / maxCount).squareRoot()
            return "<circle cx=\"\(fmt(x))\" cy=\"\(fmt(y))\" r=\"\(fmt(r))\" fill=\"#d1242f\" fill-opacity=\"0.7\"><title>\(b.2) enrolments</title></circle>"
        }.joined()
        let line = bins.map { point($0.0, $0.1) }.map { "\(fmt($0.0)),\(fmt($0.1))" }.joined(separator: " ")
        let body = ticks() + """
        <line x1="\(fmt(x0))" y1="\(fmt(y0))" x2="\(fmt(x1))" y2="\(fmt(y1))" stroke="#bbb" stroke-dasharray="4 4"/>
        <polyline fill="none" stroke="#d1242f" points="\(line)"/>\(dots)
        """
        return frame(title, xLabel: "predicted dropout probability", yLabel: "observed dropout rate", body: body)
    }

    /// Horizontal bars: one row per label, stacked segments with colours.
    static func bars(_ title: String, rows: [(String, [Int])], colours: [String], legend: [String]) -> String {
        let rowH = 20.0, top = 40.0, labelW = 150.0
        let h = top + Double(rows.count) * rowH + 30
        let maxTotal = Double(rows.map { $0.1.reduce(0, +) }.max() ?? 1)
        let plotW = width - labelW - 20
        var body = ""
        for (i, row) in rows.enumerated() {
            let y = top + Double(i) * rowH
            body += "<text x=\"\(fmt(labelW - 6))\" y=\"\(fmt(y + 14))\" font-size=\"11\" text-anchor=\"end\">\(escape(String(row.0.prefix(24))))</text>"
            var x = labelW
            for (j, v) in row.1.enumerated() where v > 0 {
                let w = plotW * Double(v) / max(1, maxTotal)
                body += "<rect x=\"\(fmt(x))\" y=\"\(fmt(y + 3))\" width=\"\(fmt(w))\" height=\"\(fmt(rowH - 6))\" fill=\"\(colours[j % colours.count])\"><title>\(v)</title></rect>"
                x += w
            }
            body += "<text x=\"\(fmt(x + 4))\" y=\"\(fmt(y + 14))\" font-size=\"10\">\(row.1.reduce(0, +))</text>"
        }
        for (j, name) in legend.enumerated() {
            let x = labelW + Double(j) * 90
            body += "<rect x=\"\(fmt(x))\" y=\"\(fmt(h - 20))\" width=\"10\" height=\"10\" fill=\"\(colours[j])\"/><text x=\"\(fmt(x + 14))\" y=\"\(fmt(h - 11))\" font-size=\"11\">\(escape(name))</text>"
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(h))" viewBox="0 0 \(Int(width)) \(Int(h))" role="img" aria-label="\(escape(title))">
        <rect width="100%" height="100%" fill="#fff"/>
        <text x="\(fmt(width / 2))" y="18" text-anchor="middle" font-size="14" font-weight="bold">\(escape(title))</text>
        \(body)
        </svg>
        """
    }
}
