"""Cross-article analysis: contested claims, fused events, allegiances and framing."""
