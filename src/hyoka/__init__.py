"""hyoka: versioned 特定個人情報保護評価書 and their 変更箇所."""

__version__ = "0.1.0"
