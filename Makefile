# Quick start: `make demo` (set up + run the sample history on SQLite), `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HYOKA := $(abspath $(BIN)/hyoka)
SAMPLES := $(abspath samples/sakuragawa)
REPORT := sakuragawa

.PHONY: demo test lint bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@

demo: $(VENV)/.installed
	rm -rf demo && mkdir demo
	cd demo && $(HYOKA) init
	cd demo && $(HYOKA) commit $(SAMPLES)/v1.txt --report $(REPORT) --author 山田 -m "初版"
	cd demo && $(HYOKA) check $(SAMPLES)/v2.pdf
	cd demo && $(HYOKA) commit $(SAMPLES)/v2.pdf --report $(REPORT) --author 山田 -m "誤字修正・組織改編 (公表版 PDF)"
	cd demo && $(HYOKA) commit $(SAMPLES)/v3.xlsx --report $(REPORT) --author 佐藤 -m "ガバメントクラウド移行 (Excel 様式)"
	cd demo && $(HYOKA) commit $(SAMPLES)/v4.txt --report $(REPORT) --author 佐藤 -m "使用者数・連絡先の更新"
	cd demo && $(HYOKA) log $(REPORT)
	cd demo && $(HYOKA) show $(REPORT)@1 --item "II/3/③使用目的"
	cd demo && $(HYOKA) export $(REPORT)@4 > v4.hyoka.txt
	cd demo && $(HYOKA) commit v4.hyoka.txt --report $(REPORT) --author 山田 -m "再コミット (変更なし)"
	cd demo && $(HYOKA) diff $(SAMPLES)/v3.txt $(SAMPLES)/v3.docx
	cd demo && $(HYOKA) diff $(REPORT)@2 $(REPORT)@3
	cd demo && $(HYOKA) appendix $(REPORT) --to 4 -o 変更箇所.html --by 山田
	cd demo && $(HYOKA) appendix $(REPORT) --to 4 -o 変更箇所.xlsx --by 山田
	cd demo && $(HYOKA) shinkyu $(REPORT) --from 2 --to 3 -o 新旧対照表.html --by 山田
	cd demo && $(HYOKA) review $(REPORT)@3
	cd demo && $(HYOKA) audit --report $(REPORT) --important yes
	cd demo && $(HYOKA) due --as-of 2026-11-22
	cd demo && $(HYOKA) verify

test: $(VENV)/.installed
	bash scripts/system-deps.sh
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest
	HYOKA_TEST_BACKEND=postgresql $(BIN)/pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/bench_commit.py
	$(BIN)/python bench/bench_cli_start.py
	$(BIN)/python bench/bench_commit_process.py
	$(BIN)/python bench/bench_storage.py
	$(BIN)/python bench/bench_appendix.py
	$(BIN)/python bench/bench_audit.py --reports 100
	$(BIN)/python bench/bench_text_diff.py
	$(BIN)/python bench/bench_reader.py
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/evaluate_seeds.py --quiet

clean:
	rm -rf demo $(VENV) .pytest_cache .ruff_cache .hypothesis
