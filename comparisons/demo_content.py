"""Demo content for AI Tool Verdicts: categories, the review panel, tools and comparisons.

Pure data, loaded by ``comparisons.demo``. Prices are public list prices in US dollars as checked
on each tool's ``prices_checked`` date; ``None`` means "contact sales".
"""

import datetime
from decimal import Decimal
from typing import Any

CATEGORIES: list[dict[str, Any]] = [
    {
        "slug": "vision-language-models",
        "name": "Vision-language models",
        "description": (
            "Models that take images or video alongside text and answer questions about them. We "
            "focus on checkpoints you can download and run on your own hardware."
        ),
    },
    {
        "slug": "chat-assistants",
        "name": "Chat assistants",
        "description": (
            "General-purpose assistants you use in a browser or app. We judge them on everyday "
            "work: writing, research, analysis and handling files."
        ),
    },
    {
        "slug": "coding-assistants",
        "name": "Coding assistants",
        "description": (
            "Tools that write, explain and change code in your editor or repository. We care about "
            "how they behave on real codebases, not on demo apps."
        ),
    },
    {
        "slug": "image-generation",
        "name": "Image generation",
        "description": (
            "Text-to-image models and services, from hosted subscriptions to open weights you run "
            "on your own GPU."
        ),
    },
    {
        "slug": "speech-to-text",
        "name": "Speech-to-text",
        "description": (
            "Models and APIs that turn recorded or live audio into text, judged on accuracy, "
            "latency and cost per minute."
        ),
    },
    {
        "slug": "local-model-runners",
        "name": "Local model runners",
        "description": (
            "Software that downloads and serves models on your own machine, so prompts and files "
            "never leave your hardware."
        ),
    },
]

REVIEWERS: list[dict[str, Any]] = [
    {
        "slug": "tomas-arendt",
        "name": "Tomas Arendt",
        "lens": "builder",
        "question": "How does it hold up once you are actually building with it?",
        "bio": (
            "Tomas has shipped backend and mobile features for twelve years, most recently at a "
            "logistics start-up where he wired three different model APIs into production. He "
            "judges a tool by its first hour of setup and its hundredth hour of maintenance."
        ),
        "order": 1,
    },
    {
        "slug": "ines-okafor",
        "name": "Ines Okafor",
        "lens": "skeptic",
        "question": "What breaks, and who already does this better?",
        "bio": (
            "Ines spent six years in QA and reliability engineering before moving into model "
            "evaluation. She keeps a private set of awkward test inputs and runs every tool "
            "against it before she forms an opinion."
        ),
        "order": 2,
    },
    {
        "slug": "marek-lindqvist",
        "name": "Marek Lindqvist",
        "lens": "futurist",
        "question": "Where is this heading, and will the bet still look sensible in three years?",
        "bio": (
            "Marek built research tooling at a university lab and now writes about how AI products "
            "change shape over time. He pays less attention to this quarter's benchmark and more "
            "to licences, ecosystems and the direction a vendor is moving in."
        ),
        "order": 3,
    },
    {
        "slug": "dana-whitlock",
        "name": "Dana Whitlock",
        "lens": "buyer",
        "question": "What will this really cost, and how hard is it to walk away?",
        "bio": (
            "Dana runs procurement and vendor reviews for a 200-person software company. She reads "
            "pricing pages line by line, asks what happens to the data on cancellation, and "
            "budgets for the plan you will end up on rather than the one on the banner."
        ),
        "order": 4,
    },
]

TOOLS: list[dict[str, Any]] = [
    {
        "slug": "smolvlm2-2b",
        "name": "SmolVLM2-2B",
        "category": "vision-language-models",
        "vendor": "Hugging Face",
        "tagline": "A 2.2B vision-language model that handles images and short video on one GPU",
        "description": (
            "SmolVLM2-2B pairs a SigLIP image encoder with the SmolLM2-1.7B language model, giving "
            "a **2.2B-parameter** model that can caption images, read documents and answer "
            "questions about short video clips. It loads with stock `transformers` and also runs "
            "through MLX and llama.cpp.\n\n"
            "It fits when you need video understanding on a single consumer GPU or a recent laptop "
            "and can accept answers that are shorter and less careful than those of 7B-class "
            "models. The weights and fine-tuning examples are public."
        ),
        "website": "https://huggingface.co/HuggingFaceTB/SmolVLM2-2.2B-Instruct",
        "licence": "Apache-2.0",
        "prices_checked": datetime.date(2025, 11, 18),
        "pricing": [
            {
                "name": "Self-hosted (open weights)",
                "price": Decimal("0"),
                "unit": "",
                "note": "Apache-2.0; fits on an 8 GB GPU",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "Setup is a pip install and a dozen lines of transformers code, and the chat "
                    "template takes care of video frames. I had it summarising 30-second clips on "
                    "a 12 GB card within an hour, and the fine-tuning notebook ran without edits."
                ),
            },
            "ines-okafor": {
                "verdict": "skip",
                "quote": (
                    "On my document and chart questions it trails Qwen2.5-VL-7B by a clear margin, "
                    "and on longer videos it starts describing frames it never saw. If you have "
                    "the memory for a 7B model, the extra accuracy is worth more than the saved "
                    "gigabytes."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "The interesting part is the recipe, not just this checkpoint: Hugging Face "
                    "showed in the open how to get video understanding into about 2B parameters. "
                    "Small, documented, permissively licensed models are where on-device vision is "
                    "going, and this is a sensible base to build on."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "Apache-2.0, no usage fees and no vendor account required. The only cost is "
                    "GPU time, and a 2B model keeps that low enough to run on hardware you already "
                    "own. There is nothing here to be locked into."
                ),
            },
        },
    },
    {
        "slug": "smolvlm2",
        "name": "SmolVLM2",
        "category": "vision-language-models",
        "vendor": "Hugging Face",
        "tagline": "The 500M and 256M SmolVLM2 checkpoints, sized for phones and edge devices",
        "description": (
            "These are the compact members of the SmolVLM2 family: a **500M** and a **256M** "
            "checkpoint that keep the image and video interface of the 2.2B model but use much "
            "smaller SmolLM2 language backbones. Both need well under 2 GB of memory and run on "
            "CPUs and Apple Silicon through MLX or llama.cpp.\n\n"
            "Hugging Face demonstrated the 500M model on iPhone in its HuggingSnap app. Expect "
            "short captions and simple question answering, not careful document reading."
        ),
        "website": "https://huggingface.co/HuggingFaceTB/SmolVLM2-500M-Video-Instruct",
        "licence": "Apache-2.0",
        "prices_checked": datetime.date(2025, 11, 18),
        "pricing": [
            {
                "name": "Self-hosted (open weights)",
                "price": Decimal("0"),
                "unit": "",
                "note": "Apache-2.0; under 2 GB of memory",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "The 500M model loads in seconds and answers quickly on an M-series laptop "
                    "CPU, which makes prototyping on-device features pleasant. The GGUF builds let "
                    "me ship it inside a desktop app through llama.cpp without bundling Python."
                ),
            },
            "ines-okafor": {
                "verdict": "skip",
                "quote": (
                    "The 256M checkpoint misreads small text and loses count past four or five "
                    "objects, and the 500M is only somewhat better. It can work as a tagging or "
                    "triage step, but I would not put its answers in front of customers unchecked."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "A vision model that fits in a phone's spare memory moves this kind of work "
                    "onto the device: offline, private and with no per-call bill. These "
                    "checkpoints are an early open version of that shift, and each release has "
                    "narrowed the quality gap."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "Free for commercial use and small enough to run on the user's own device, "
                    "which takes inference cost off your bill entirely. If the quality is enough "
                    "for your task, nothing in this category is cheaper to operate."
                ),
            },
        },
    },
    {
        "slug": "qwen2-5-vl-7b",
        "name": "Qwen2.5-VL-7B",
        "category": "vision-language-models",
        "vendor": "Alibaba Cloud (Qwen team)",
        "tagline": "A 7B open vision-language model that reads documents, charts and screens well",
        "description": (
            "Qwen2.5-VL-7B-Instruct is the mid-sized model in Alibaba's Qwen2.5-VL line. It takes "
            "high-resolution images at their native aspect ratio, returns bounding boxes as JSON, "
            "reads dense documents and tables, and follows longer video than most open models of "
            "its size.\n\n"
            "It needs roughly 16 GB of GPU memory at bf16, less with 4-bit quantisation, and is "
            "supported by `transformers`, vLLM and llama.cpp. The newer **Qwen3-VL** family has "
            "since arrived, but 2.5-VL remains widely deployed and well understood."
        ),
        "website": "https://huggingface.co/Qwen/Qwen2.5-VL-7B-Instruct",
        "licence": "Apache-2.0",
        "prices_checked": datetime.date(2025, 11, 19),
        "pricing": [
            {
                "name": "Self-hosted (open weights)",
                "price": Decimal("0"),
                "unit": "",
                "note": "Apache-2.0; about 16 GB VRAM at bf16",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "vLLM serves it behind an OpenAI-compatible endpoint with no custom code, and "
                    "the grounding output is JSON I can parse directly. Long videos need some "
                    "tuning of frame rate and pixel limits, but the defaults are documented and "
                    "reasonable."
                ),
            },
            "ines-okafor": {
                "verdict": "ship",
                "quote": (
                    "This is the model I measure the smaller ones against. It made the fewest "
                    "errors on my invoices, charts and UI screenshots of anything under 10B "
                    "parameters. Its weak spots are counting and fine spatial reasoning, where it "
                    "still guesses with confidence."
                ),
            },
            "marek-lindqvist": {
                "verdict": "skip",
                "quote": (
                    "Qwen3-VL already covers similar sizes with better reasoning and longer "
                    "context, and the team releases quickly. Starting a new project on 2.5-VL "
                    "today means planning a migration within a year. Keep it where it is in "
                    "production; start new work one generation later."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "Apache-2.0 at this size is generous, and a 7B model fits on one mid-range "
                    "datacentre GPU, so hosting costs stay predictable. Many inference providers "
                    "host it too, which gives you an exit if you stop wanting to run it yourself."
                ),
            },
        },
    },
    {
        "slug": "moondream-2",
        "name": "Moondream 2",
        "category": "vision-language-models",
        "vendor": "Moondream (M87 Labs)",
        "tagline": "A 2B vision model with built-in captioning, detection and pointing",
        "description": (
            "Moondream 2 is a vision-language model of roughly **2B parameters** from a small "
            "independent team. Besides free-form questions, it exposes task-specific calls for "
            "captions, object detection and pointing, which return coordinates you can use without "
            "prompt engineering.\n\n"
            "It runs on CPU or a modest GPU through the `moondream` Python client or "
            "`transformers`. The team has since previewed Moondream 3, a larger mixture-of-experts "
            "model under a different licence, so check which version a tutorial assumes."
        ),
        "website": "https://moondream.ai",
        "licence": "Apache-2.0",
        "prices_checked": datetime.date(2025, 11, 19),
        "pricing": [
            {
                "name": "Self-hosted (open weights)",
                "price": Decimal("0"),
                "unit": "",
                "note": "Apache-2.0 weights",
            },
            {
                "name": "Moondream Station",
                "price": Decimal("0"),
                "unit": "",
                "note": "Free local app that serves the model",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "The detect and point calls are the selling point: boxes and coordinates come "
                    "back as plain data instead of a chat model coaxed into emitting JSON. The "
                    "client is small and readable, and the local server made a shelf-camera "
                    "prototype quick to wire up."
                ),
            },
            "ines-okafor": {
                "verdict": "skip",
                "quote": (
                    "For open-ended questions about documents or crowded scenes, SmolVLM2-2B and "
                    "Qwen2.5-VL are the more reliable picks by reputation. Outside its specialised "
                    "skills, Moondream 2 gives short answers that miss detail, and a small team's "
                    "project has fewer people finding its bugs."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "Treating a vision model as a set of callable skills, such as detect, point "
                    "and caption, rather than a chat partner is the right direction for robotics "
                    "and automation. Moondream has pushed that idea further than most. Watch the "
                    "licence on later releases, though."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "Version 2 is Apache-2.0 and free to self-host, and the local app costs "
                    "nothing. The risk is the supplier's size and its licence direction, since "
                    "Moondream 3 is more restrictive. Pin the version 2 weights and you keep full "
                    "control."
                ),
            },
        },
    },
    {
        "slug": "chatgpt",
        "name": "ChatGPT",
        "category": "chat-assistants",
        "vendor": "OpenAI",
        "tagline": "OpenAI's general assistant with search, files, voice, images and agents",
        "description": (
            "ChatGPT is OpenAI's assistant for individuals and workplaces. Paid plans raise the "
            "limits on the newest GPT-5 models and add deep research, image generation, voice, "
            "custom GPTs and an agent mode that can operate a browser for multi-step tasks.\n\n"
            "Business and Enterprise plans add admin controls, SSO and a default commitment not to "
            "train on your data. New features usually reach Pro and Plus first."
        ),
        "website": "https://chatgpt.com",
        "licence": "Proprietary",
        "operating_systems": "Web, iOS, Android, macOS, Windows",
        "prices_checked": datetime.date(2025, 11, 20),
        "pricing": [
            {
                "name": "Free",
                "price": Decimal("0"),
                "unit": "mo",
                "note": "Limited use of the latest model",
            },
            {"name": "Plus", "price": Decimal("20"), "unit": "mo", "note": ""},
            {
                "name": "Pro",
                "price": Decimal("200"),
                "unit": "mo",
                "note": "Highest limits and the pro reasoning model",
            },
            {
                "name": "Business",
                "price": Decimal("25"),
                "unit": "user/mo",
                "note": "Billed annually; $30 billed monthly",
            },
            {"name": "Enterprise", "price": None, "unit": "", "note": "Contact sales"},
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "For engineering questions, file analysis and throwaway scripts it is the "
                    "assistant I open first. It runs Python on uploaded files, and projects keep "
                    "context across chats. It does not replace an editor tool, but it is the "
                    "broadest single subscription."
                ),
            },
            "ines-okafor": {
                "verdict": "ship",
                "quote": (
                    "It still invents a citation now and then and can be overconfident about niche "
                    "APIs, but it fails less often than the alternatives I test, and search "
                    "grounding has cut the made-up answers. The product changes constantly, so "
                    "re-check workflows after big updates."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "OpenAI is turning the chat window into a general agent platform, with apps, "
                    "browsing and long-running tasks. Not every bet will land, but the assistant "
                    "most people already use is the one most likely to become their default "
                    "interface for work."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "Plus at $20 covers most individuals, and Business at $25 per seat on annual "
                    "billing is in line with rivals and includes data controls. Lock-in is mild: "
                    "chats export, and custom GPTs are mostly prompts you can rebuild elsewhere."
                ),
            },
        },
    },
    {
        "slug": "claude",
        "name": "Claude",
        "category": "chat-assistants",
        "vendor": "Anthropic",
        "tagline": "Anthropic's assistant, strong on long documents, careful writing and code",
        "description": (
            "Claude is Anthropic's assistant on the web, desktop and mobile. It handles long "
            "documents and careful writing well, runs code in an analysis tool, builds small apps "
            "as Artifacts, and connects to services such as Google Drive or GitHub through MCP "
            "connectors.\n\n"
            "Paid plans include **Claude Code**, Anthropic's terminal coding agent. Usage on every "
            "plan is governed by rolling limits rather than a fixed message count, which heavy "
            "users will notice."
        ),
        "website": "https://claude.ai",
        "licence": "Proprietary",
        "operating_systems": "Web, iOS, Android, macOS, Windows",
        "prices_checked": datetime.date(2025, 11, 20),
        "pricing": [
            {"name": "Free", "price": Decimal("0"), "unit": "mo", "note": ""},
            {
                "name": "Pro",
                "price": Decimal("20"),
                "unit": "mo",
                "note": "$17/mo billed annually; includes Claude Code",
            },
            {
                "name": "Max",
                "price": Decimal("100"),
                "unit": "mo",
                "note": "From $100; the $200 tier gives 20x Pro usage",
            },
            {
                "name": "Team",
                "price": Decimal("25"),
                "unit": "user/mo",
                "note": "Standard seat billed annually; $30 monthly",
            },
            {"name": "Enterprise", "price": None, "unit": "", "note": "Contact sales"},
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "Claude Code alone justifies the subscription for me: it reads the repository, "
                    "runs the tests and proposes diffs I actually merge. In the chat app, projects "
                    "with uploaded specs keep answers tied to my codebase. MCP connectors take "
                    "some setup but pay off."
                ),
            },
            "ines-okafor": {
                "verdict": "ship",
                "quote": (
                    "It is the most careful writer of the major assistants and admits uncertainty "
                    "more readily than most. Its weaknesses lie elsewhere: limits arrive abruptly "
                    "in long sessions, and it cannot generate images. For text and code it holds "
                    "up well against ChatGPT."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "Anthropic bet early on agents and on MCP, an open protocol for connecting "
                    "tools, and the rest of the industry adopted that protocol. A vendor that sets "
                    "standards rather than only following them is a reasonable long-term choice."
                ),
            },
            "dana-whitlock": {
                "verdict": "skip",
                "quote": (
                    "The $20 Pro plan runs out fast under heavy coding, which pushes serious users "
                    "to Max at $100 or $200 a month. Rolling limits make a team's monthly spend "
                    "hard to forecast. Trial Pro seats first and budget for upgrades before "
                    "committing."
                ),
            },
        },
    },
    {
        "slug": "le-chat",
        "name": "Le Chat",
        "category": "chat-assistants",
        "vendor": "Mistral AI",
        "tagline": "Mistral's fast, EU-based assistant with a lower-priced Pro plan",
        "description": (
            "Le Chat is Mistral AI's assistant, built on Mistral's own models. It offers web "
            "search, document upload, image generation, a canvas for editing text and code, and a "
            "research mode, and its responses arrive noticeably quickly.\n\n"
            "Mistral is a French company with EU data hosting, which matters to some buyers. "
            "Enterprise customers can also deploy the assistant in their own environment, which "
            "few chat assistants allow."
        ),
        "website": "https://chat.mistral.ai",
        "licence": "Proprietary",
        "operating_systems": "Web, iOS, Android",
        "prices_checked": datetime.date(2025, 11, 20),
        "pricing": [
            {"name": "Free", "price": Decimal("0"), "unit": "mo", "note": ""},
            {
                "name": "Pro",
                "price": Decimal("14.99"),
                "unit": "mo",
                "note": "Higher limits on messages and research",
            },
            {
                "name": "Team",
                "price": Decimal("24.99"),
                "unit": "user/mo",
                "note": "Shared workspace and admin controls",
            },
            {
                "name": "Enterprise",
                "price": None,
                "unit": "",
                "note": "Contact sales; self-hosted deployment available",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "skip",
                "quote": (
                    "Responses are fast, but the integrations I depend on are thinner than in "
                    "ChatGPT or Claude, and code answers on larger files needed more correcting. "
                    "Mistral's API is good; the chat app is not yet where I would do daily "
                    "engineering work."
                ),
            },
            "ines-okafor": {
                "verdict": "skip",
                "quote": (
                    "On my reasoning and long-document tests it trailed ChatGPT and Claude, most "
                    "visibly on multi-step questions, where it answered quickly and wrongly. Speed "
                    "is pleasant, but it does not make up for double-checking more of the output."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "A serious European model vendor with a self-hostable enterprise assistant "
                    "becomes more useful as rules on data location tighten. Mistral does not need "
                    "to top benchmarks to matter; it needs to stay a credible alternative, and so "
                    "far it has."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "At $14.99 a month Pro undercuts the big two, and the Team plan is cheaper as "
                    "well. EU hosting and a self-hosted option give procurement real leverage. For "
                    "general office use the savings are real; engineering teams may want a second "
                    "tool."
                ),
            },
        },
    },
    {
        "slug": "github-copilot",
        "name": "GitHub Copilot",
        "category": "coding-assistants",
        "vendor": "GitHub (Microsoft)",
        "tagline": "Completions, chat and a coding agent across popular IDEs and GitHub itself",
        "description": (
            "GitHub Copilot provides inline completion, chat and an agent mode in VS Code, Visual "
            "Studio, JetBrains IDEs, Xcode and other editors. On GitHub itself, the **Copilot "
            "coding agent** can take an issue, work in a sandbox and open a pull request for "
            "review.\n\n"
            "Each plan includes a monthly allowance of premium requests, spent when you choose the "
            "stronger models from OpenAI, Anthropic or Google. Paid plans can buy more at a fixed "
            "rate per request."
        ),
        "website": "https://github.com/features/copilot",
        "licence": "Proprietary",
        "prices_checked": datetime.date(2025, 11, 21),
        "pricing": [
            {
                "name": "Free",
                "price": Decimal("0"),
                "unit": "mo",
                "note": "Limited completions and chat each month",
            },
            {"name": "Pro", "price": Decimal("10"), "unit": "mo", "note": ""},
            {
                "name": "Pro+",
                "price": Decimal("39"),
                "unit": "mo",
                "note": "Larger premium-request allowance",
            },
            {"name": "Business", "price": Decimal("19"), "unit": "user/mo", "note": ""},
            {
                "name": "Enterprise",
                "price": Decimal("39"),
                "unit": "user/mo",
                "note": "Requires GitHub Enterprise Cloud",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "It works in whatever editor my team already uses, which matters more than any "
                    "benchmark. Completions are quick and rarely in the way, and handing small "
                    "issues to the coding agent is now routine. Agent mode in VS Code is solid, if "
                    "a step behind Cursor."
                ),
            },
            "ines-okafor": {
                "verdict": "ship",
                "quote": (
                    "It is not the strongest agent available, but it is the least likely to "
                    "surprise an organisation: mature admin controls, content exclusions and IP "
                    "indemnity on business plans. Its usual failure is confident completions in "
                    "unfamiliar code, which review catches."
                ),
            },
            "marek-lindqvist": {
                "verdict": "skip",
                "quote": (
                    "Copilot's strength is distribution, not direction. The ideas shaping coding "
                    "tools, such as repository-wide agents and edit prediction, mostly appeared "
                    "elsewhere first. It will stay widely used, but I would not watch it to see "
                    "where the field is going."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "$10 for individuals and $19 per business seat is the best value in the "
                    "category, and it often comes bundled into an existing GitHub or Microsoft "
                    "agreement. Set a cap on premium-request overages; otherwise costs are "
                    "predictable and leaving is easy."
                ),
            },
        },
    },
    {
        "slug": "cursor",
        "name": "Cursor",
        "category": "coding-assistants",
        "vendor": "Anysphere",
        "tagline": "A VS Code-based editor built around AI agents and multi-file edits",
        "description": (
            "Cursor is a fork of VS Code with AI throughout the editor: tab completion that "
            "predicts your next edit, an agent that plans and applies changes across files, and "
            "background agents that work on tasks in the cloud. It indexes your repository so "
            "answers draw on your own code.\n\n"
            "It supports models from several providers as well as Cursor's own. Paid plans include "
            "a monthly amount of model usage, and usage beyond it is billed on top."
        ),
        "website": "https://cursor.com",
        "licence": "Proprietary",
        "operating_systems": "macOS, Windows, Linux",
        "prices_checked": datetime.date(2025, 11, 21),
        "pricing": [
            {
                "name": "Hobby",
                "price": Decimal("0"),
                "unit": "mo",
                "note": "Limited agent requests and completions",
            },
            {
                "name": "Pro",
                "price": Decimal("20"),
                "unit": "mo",
                "note": "Includes a monthly usage allowance",
            },
            {
                "name": "Pro+",
                "price": Decimal("60"),
                "unit": "mo",
                "note": "Three times the Pro usage",
            },
            {
                "name": "Ultra",
                "price": Decimal("200"),
                "unit": "mo",
                "note": "Twenty times the Pro usage",
            },
            {"name": "Teams", "price": Decimal("40"), "unit": "user/mo", "note": ""},
            {"name": "Enterprise", "price": None, "unit": "", "note": "Contact sales"},
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "Tab completion that jumps to the next place I need to edit is the most useful "
                    "AI feature I use. The agent handles multi-file refactors with fewer wrong "
                    "turns than Copilot, and because it is VS Code underneath, my extensions and "
                    "keybindings came along unchanged."
                ),
            },
            "ines-okafor": {
                "verdict": "skip",
                "quote": (
                    "Pricing and limits changed several times in 2025, sometimes with little "
                    "warning, and users reported unexpected bills. As a fork, it can also trail "
                    "upstream VS Code and lose access to some Microsoft extensions. A capable "
                    "product on unstable terms."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "Cursor designs the editor around the model instead of bolting a model onto an "
                    "editor, and competitors keep copying its features. Training its own models "
                    "reduces its dependence on suppliers. It is the clearest current picture of "
                    "where programming tools are going."
                ),
            },
            "dana-whitlock": {
                "verdict": "skip",
                "quote": (
                    "The $20 headline hides usage-based billing: heavy agent use drains the "
                    "allowance and then bills extra. Teams at $40 per seat is roughly double "
                    "Copilot Business. A good tool, but measure a real month of usage before "
                    "signing up a whole team."
                ),
            },
        },
    },
    {
        "slug": "poolside",
        "name": "Poolside",
        "category": "coding-assistants",
        "vendor": "Poolside",
        "tagline": "Enterprise coding models and agents deployed inside your own cloud",
        "description": (
            "Poolside trains its own foundation models for software development and sells them "
            "only to large organisations. The offering covers an editor assistant, an agent and "
            "the models themselves, deployed in the customer's cloud account or data centre so "
            "that code stays inside it.\n\n"
            "There is no self-serve plan and no public price list. Adapting the models to a "
            "customer's own code is part of the pitch."
        ),
        "website": "https://poolside.ai",
        "licence": "Proprietary",
        "prices_checked": datetime.date(2025, 11, 24),
        "pricing": [
            {
                "name": "Enterprise",
                "price": None,
                "unit": "",
                "note": "Contact sales; deployed in your VPC or on premises",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "skip",
                "quote": (
                    "I cannot evaluate what I cannot install. There is no trial, no public API "
                    "documentation and no community to ask. Engineering teams should insist on a "
                    "hands-on pilot with their own repositories before anyone signs a contract."
                ),
            },
            "ines-okafor": {
                "verdict": "skip",
                "quote": (
                    "Every quality claim comes from the vendor, and there are no independent "
                    "results I can reproduce. Meanwhile Copilot Enterprise has mature controls, "
                    "and open coding models can be hosted privately with standard tools. Until "
                    "outsiders can test it, I treat it as unproven."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "Regulated companies will not send source code to a shared API, and a vendor "
                    "that trains its own models and deploys them on site is aimed squarely at "
                    "them. If private, company-tuned coding models become normal in banking and "
                    "government, Poolside got there early."
                ),
            },
            "dana-whitlock": {
                "verdict": "skip",
                "quote": (
                    "No public pricing means no reference point for negotiation, and on-site "
                    "deployment puts your own GPU costs on top of the licence. Leaving later means "
                    "replacing both the model and the tooling. Only pursue it if data rules "
                    "exclude everything else."
                ),
            },
        },
    },
    {
        "slug": "midjourney",
        "name": "Midjourney",
        "category": "image-generation",
        "vendor": "Midjourney, Inc.",
        "tagline": "Subscription image and short-video generator known for its visual style",
        "description": (
            "Midjourney is a hosted image generator used through its web app and Discord. Version "
            "7 improved prompt following and hands, and the service can also animate images into "
            "short video clips. Style and image references plus a personalisation profile keep a "
            "consistent look across a project.\n\n"
            "There is **no official public API**, so it suits people making images by hand rather "
            "than software generating them. Images are public by default unless you use Stealth "
            "mode on the Pro or Mega plan."
        ),
        "website": "https://www.midjourney.com",
        "licence": "Proprietary",
        "operating_systems": "Web",
        "prices_checked": datetime.date(2025, 11, 22),
        "pricing": [
            {
                "name": "Basic",
                "price": Decimal("10"),
                "unit": "mo",
                "note": "Limited fast GPU time",
            },
            {
                "name": "Standard",
                "price": Decimal("30"),
                "unit": "mo",
                "note": "Adds unlimited relaxed generation",
            },
            {"name": "Pro", "price": Decimal("60"), "unit": "mo", "note": "Adds Stealth mode"},
            {"name": "Mega", "price": Decimal("120"), "unit": "mo", "note": "Most fast GPU time"},
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "skip",
                "quote": (
                    "With no official API there is nothing for me to build on, and the unofficial "
                    "Discord wrappers break the terms of service. For a designer it is excellent; "
                    "for a developer who needs images generated from code, FLUX through an API is "
                    "the practical choice."
                ),
            },
            "ines-okafor": {
                "verdict": "ship",
                "quote": (
                    "It still produces the most consistently attractive images with the least "
                    "prompting, and V7 addressed many of the anatomy complaints of older versions. Text in "
                    "images remains weaker than some rivals. For hand-made visuals, few rivals "
                    "match it overall."
                ),
            },
            "marek-lindqvist": {
                "verdict": "skip",
                "quote": (
                    "A closed, subscription-only tool with no API sits awkwardly in a world where "
                    "images are increasingly generated inside other software. Midjourney's taste "
                    "is a real asset, but open models are closing the gap, and refusing to become "
                    "a platform limits where it can go."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "Fixed monthly tiers from $10 to $120 make budgeting easy, with no per-image "
                    "surprises. Designers who generate daily will want Standard at $30 for "
                    "unlimited relaxed mode. Lock-in is minimal: you keep the images and can "
                    "cancel in any month."
                ),
            },
        },
    },
    {
        "slug": "flux-1-dev",
        "name": "FLUX.1 [dev]",
        "category": "image-generation",
        "vendor": "Black Forest Labs",
        "tagline": "A 12B open-weight text-to-image model with strong prompt following",
        "description": (
            "FLUX.1 [dev] is a **12B-parameter** text-to-image model from Black Forest Labs, a "
            "company founded by several of the original Stable Diffusion researchers. It follows "
            "long prompts closely, renders legible text, and has a large community ecosystem of "
            "LoRAs and control models.\n\n"
            "The weights are free to download, but the licence is **non-commercial**: you may use "
            "the images commercially, while running the model inside a commercial product needs a "
            "licence from BFL or its paid API. It wants about 24 GB of VRAM unquantised."
        ),
        "website": "https://bfl.ai",
        "licence": "FLUX.1 [dev] Non-Commercial License",
        "prices_checked": datetime.date(2025, 11, 22),
        "pricing": [
            {
                "name": "Self-hosted",
                "price": Decimal("0"),
                "unit": "",
                "note": "Free weights under the non-commercial licence",
            },
            {
                "name": "BFL API",
                "price": Decimal("0.025"),
                "unit": "image",
                "note": "Per image at default settings",
            },
            {
                "name": "Commercial licence",
                "price": None,
                "unit": "",
                "note": "Contact BFL to self-host commercially",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "ComfyUI and diffusers both support it well, LoRA training takes an afternoon "
                    "on a rented GPU, and the paid API is there when I don't want to host. Prompt "
                    "adherence is good enough that I write prompts as plain sentences instead of "
                    "keyword lists."
                ),
            },
            "ines-okafor": {
                "verdict": "ship",
                "quote": (
                    "It has a strong reputation for following prompts among open models, and "
                    "text in images is usually spelled correctly. Faces can look glossy and alike "
                    "across generations, and it needs a large GPU. Still the open model to beat."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "The community around FLUX has replaced Stable Diffusion's as the default for "
                    "open image work, and BFL keeps extending the line with editing models such as "
                    "Kontext. Whatever the licence quirks, this is where open image generation is "
                    "concentrated."
                ),
            },
            "dana-whitlock": {
                "verdict": "skip",
                "quote": (
                    "The non-commercial licence is the trap: running it inside a paid product "
                    "needs a separate BFL licence with no public price. Outputs are fine to use "
                    "commercially, but legal will want that explained. For a business, the API at "
                    "a few cents an image is cleaner."
                ),
            },
        },
    },
    {
        "slug": "stable-diffusion-3-5-large",
        "name": "Stable Diffusion 3.5 Large",
        "category": "image-generation",
        "vendor": "Stability AI",
        "tagline": "An 8B open image model, free for businesses under $1M in annual revenue",
        "description": (
            "Stable Diffusion 3.5 Large is an **8.1B-parameter** multimodal diffusion transformer "
            "from Stability AI. It covers a wide range of styles, from photography to illustration "
            "and painting, and the family includes a faster Large Turbo and a smaller Medium "
            "model.\n\n"
            "Under the Community License, individuals and organisations with less than **$1M in "
            "annual revenue** can use it commercially for free; larger companies need an "
            "enterprise licence. It runs in ComfyUI and diffusers."
        ),
        "website": "https://stability.ai",
        "licence": "Stability AI Community License",
        "prices_checked": datetime.date(2025, 11, 22),
        "pricing": [
            {
                "name": "Community licence",
                "price": Decimal("0"),
                "unit": "",
                "note": "Free, including commercial use, under $1M",
            },
            {
                "name": "Stability API",
                "price": Decimal("0.065"),
                "unit": "image",
                "note": "6.5 credits per image",
            },
            {
                "name": "Enterprise licence",
                "price": None,
                "unit": "",
                "note": "Required above $1M annual revenue",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "The tooling is mature: ComfyUI workflows, diffusers pipelines and the "
                    "Stability API all behave as documented. It is lighter than FLUX.1 [dev], so "
                    "iterating on a 16 GB card is comfortable with some offloading. There are "
                    "fewer fine-tuning guides than for SDXL, though."
                ),
            },
            "ines-okafor": {
                "verdict": "skip",
                "quote": (
                    "Hands and anatomy still break more often than with FLUX.1 [dev], and scenes "
                    "with several objects are a commonly reported weak spot. The "
                    "community has largely moved on, so fewer fixes and fine-tunes appear. "
                    "Competent, but no longer the best open option."
                ),
            },
            "marek-lindqvist": {
                "verdict": "skip",
                "quote": (
                    "Stability's position has weakened as researchers left and rivals overtook it, "
                    "and the open momentum now sits with FLUX and newer releases such as "
                    "Qwen-Image. I do not expect this family to lead again; build on it only if "
                    "its licence is the deciding factor."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "For a small company this is the clearest licence in open image generation: "
                    "free commercial use below $1M revenue, with no extra fee to run it in your "
                    "product. The API at 6.5 cents an image costs more than FLUX's, so self-host "
                    "as volume grows."
                ),
            },
        },
    },
    {
        "slug": "whisper-large-v3-turbo",
        "name": "Whisper large-v3-turbo",
        "category": "speech-to-text",
        "vendor": "OpenAI",
        "tagline": "OpenAI's open speech model, pruned for speed with little accuracy loss",
        "description": (
            "Whisper large-v3-turbo is a faster version of Whisper large-v3 with the decoder cut "
            "from 32 layers to 4, bringing it to about **809M parameters**. It transcribes speech "
            "in around 100 languages several times faster than large-v3, with a small drop in "
            "accuracy; unlike large-v3, it was not trained for translation.\n\n"
            "It is MIT-licensed and runs through the original package, `transformers`, "
            "faster-whisper or whisper.cpp, including on CPU and Apple Silicon. OpenAI's hosted "
            "transcription API is the alternative if you would rather not run it."
        ),
        "website": "https://github.com/openai/whisper",
        "licence": "MIT",
        "prices_checked": datetime.date(2025, 11, 24),
        "pricing": [
            {"name": "Self-hosted", "price": Decimal("0"), "unit": "", "note": "MIT licence"},
            {
                "name": "OpenAI transcription API",
                "price": Decimal("0.006"),
                "unit": "min",
                "note": "Hosted Whisper (whisper-1)",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "faster-whisper with the turbo model transcribed an hour of meeting audio in a "
                    "couple of minutes on one consumer GPU, and whisper.cpp runs it respectably on "
                    "a MacBook. The ecosystem is large enough that every edge case I hit already "
                    "had a GitHub thread."
                ),
            },
            "ines-okafor": {
                "verdict": "skip",
                "quote": (
                    "Whisper still hallucinates during silence and music, sometimes inventing "
                    "whole sentences, and it has no built-in speaker diarisation. For medical, "
                    "legal or captioning work that makes it risky without voice-activity detection "
                    "and a review step. Commercial APIs handle these cases better."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "An MIT-licensed speech model this good turned transcription into a commodity, "
                    "and most open speech projects build on it or benchmark against it. Newer open "
                    "models are catching up, but Whisper's ecosystem will keep it relevant for "
                    "years."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "Self-hosted, it costs only compute, and at scale that beats every per-minute "
                    "API by a wide margin. If you would rather not run GPUs, OpenAI's API at "
                    "$0.006 a minute is a reasonable fallback. Either way, the MIT licence means "
                    "no lock-in."
                ),
            },
        },
    },
    {
        "slug": "deepgram-nova-3",
        "name": "Deepgram Nova-3",
        "category": "speech-to-text",
        "vendor": "Deepgram",
        "tagline": "A low-latency speech-to-text API for live and recorded audio",
        "description": (
            "Nova-3 is Deepgram's current speech recognition model, offered through a REST API for "
            "recorded audio and a WebSocket API for live streams. It supports speaker diarisation, "
            "smart formatting, keyterm prompting for product names and jargon, and real-time "
            "multilingual transcription.\n\n"
            "New accounts start with free credit. Enterprise customers can also run it self-hosted "
            "in their own infrastructure."
        ),
        "website": "https://deepgram.com",
        "licence": "Proprietary",
        "prices_checked": datetime.date(2025, 11, 24),
        "pricing": [
            {
                "name": "Pay as you go (recorded)",
                "price": Decimal("0.0043"),
                "unit": "min",
                "note": "$200 free credit to start",
            },
            {
                "name": "Pay as you go (streaming)",
                "price": Decimal("0.0077"),
                "unit": "min",
                "note": "",
            },
            {
                "name": "Enterprise",
                "price": None,
                "unit": "",
                "note": "Volume pricing and self-hosted deployment",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "The streaming API is the easiest real-time transcription I have integrated: "
                    "one WebSocket, interim results within a few hundred milliseconds, and SDKs "
                    "that handle reconnects. Keyterm prompting fixed our product-name errors "
                    "without any model training."
                ),
            },
            "ines-okafor": {
                "verdict": "ship",
                "quote": (
                    "Unlike self-hosted Whisper, it does not invent text during silence, and its "
                    "diarisation is usable out of the box. Accuracy on heavily accented, noisy "
                    "call audio still dips, as with every model I test, but the failures are "
                    "smaller and easier to catch."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "Voice agents need transcription that is fast, cheap and built for streaming, "
                    "and that is where Deepgram has focused. As more software gains a voice "
                    "interface, a specialist with its own models and an on-premises option is well "
                    "placed."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "Under half a cent a minute for recorded audio is competitive, and the $200 "
                    "credit covers a serious pilot. The API is conventional enough that switching "
                    "providers later is days of work, not a rewrite. Watch streaming volume, which "
                    "costs nearly twice as much."
                ),
            },
        },
    },
    {
        "slug": "ollama",
        "name": "Ollama",
        "category": "local-model-runners",
        "vendor": "Ollama",
        "tagline": "Download and run open models locally with one command",
        "description": (
            "Ollama is a local model runner for macOS, Windows and Linux. `ollama run` pulls a "
            "model from its library and starts a chat, and a local REST API, including "
            "OpenAI-compatible endpoints, lets other programs use the same models. It builds on "
            "the ggml library from llama.cpp, with its own engine for newer multimodal models.\n\n"
            "There is a desktop app alongside the CLI, and an optional paid cloud service runs "
            "larger models on Ollama's hardware through the same interface."
        ),
        "website": "https://ollama.com",
        "licence": "MIT",
        "operating_systems": "macOS, Windows, Linux",
        "prices_checked": datetime.date(2025, 11, 25),
        "pricing": [
            {"name": "Local", "price": Decimal("0"), "unit": "", "note": "MIT; free for any use"},
            {
                "name": "Pro (cloud models)",
                "price": Decimal("20"),
                "unit": "mo",
                "note": "Higher limits for cloud-hosted models",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "It is the fastest route from nothing to a local model behind an HTTP API. "
                    "Modelfiles make system prompts and parameters reproducible, and nearly every "
                    "framework has an Ollama integration. I use it daily for development and test "
                    "fixtures."
                ),
            },
            "ines-okafor": {
                "verdict": "ship",
                "quote": (
                    "Defaults can mislead: context windows have shipped short, and library tags "
                    "can hide which quantisation you are getting, so check both before judging a "
                    "model's quality. Those are configuration traps rather than real flaws, and it "
                    "has been dependable for me."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "Ollama made running a model locally as ordinary as running a database, and "
                    "its API has become a convention other tools imitate. The cloud tier shows it "
                    "wants to be one interface for both local and hosted models, which is a sound "
                    "plan."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "Free and MIT-licensed, so the only cost is your hardware. The $20 cloud plan "
                    "is optional and easy to drop. Models are standard files and the API is "
                    "OpenAI-compatible, so leaving takes an afternoon at most."
                ),
            },
        },
    },
    {
        "slug": "lm-studio",
        "name": "LM Studio",
        "category": "local-model-runners",
        "vendor": "Element Labs",
        "tagline": "A desktop app for finding, chatting with and serving local models",
        "description": (
            "LM Studio is a desktop application for macOS, Windows and Linux that searches Hugging "
            "Face for models, downloads them and runs them with llama.cpp or, on Apple Silicon, "
            "Apple's MLX. It has a polished chat interface, chat with documents, and a local "
            "server with OpenAI-compatible endpoints.\n\n"
            "The app is free for personal and work use. Its `lms` command-line tool and its Python "
            "and TypeScript SDKs are MIT-licensed, while the app itself is closed source."
        ),
        "website": "https://lmstudio.ai",
        "licence": "Proprietary",
        "operating_systems": "macOS, Windows, Linux",
        "prices_checked": datetime.date(2025, 11, 25),
        "pricing": [
            {
                "name": "Free",
                "price": Decimal("0"),
                "unit": "",
                "note": "Free for personal and work use",
            },
            {
                "name": "Enterprise",
                "price": None,
                "unit": "",
                "note": "Contact sales for SSO and central management",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "The MLX engine generates noticeably faster on my M-series Mac than GGUF "
                    "builds, and the model search shows which quantisations fit my memory before I "
                    "download. The local server and SDKs make it a real development backend, not "
                    "just a chat window."
                ),
            },
            "ines-okafor": {
                "verdict": "skip",
                "quote": (
                    "The app is closed source, so you are trusting a binary with your prompts and "
                    "documents, which undercuts the main reason to run models locally. Ollama and "
                    "llama.cpp do the same serving job in the open. As a GUI it is the best; as a "
                    "trusted component, less so."
                ),
            },
            "marek-lindqvist": {
                "verdict": "skip",
                "quote": (
                    "A closed desktop app built on open engines is in a delicate position: the "
                    "engines improve for everyone, so its value has to come from the interface. "
                    "Making it free for work suggests the business model is still being settled. "
                    "Useful today, uncertain direction."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "Making it free for commercial use in 2025 removed the licensing question that "
                    "used to block it at work. The enterprise tier is only needed for central "
                    "management. Models are ordinary GGUF or MLX files, so moving to another "
                    "runner costs nothing."
                ),
            },
        },
    },
    {
        "slug": "llama-cpp",
        "name": "llama.cpp",
        "category": "local-model-runners",
        "vendor": "ggml-org (open source)",
        "tagline": "The C/C++ inference engine underneath much of local AI",
        "description": (
            "llama.cpp is an open-source engine for running language and vision models on CPUs and "
            "GPUs, with backends for CUDA, Metal, Vulkan, ROCm and more. It defined the **GGUF** "
            "model format and supports many quantisation types, so large models fit on ordinary "
            "hardware.\n\n"
            "It ships `llama-server`, an OpenAI-compatible HTTP server with a built-in web UI, and "
            "`llama-cli` for the terminal. Multimodal models such as SmolVLM2 and Qwen2.5-VL are "
            "supported through its `libmtmd` library."
        ),
        "website": "https://github.com/ggml-org/llama.cpp",
        "licence": "MIT",
        "operating_systems": "Linux, macOS, Windows",
        "prices_checked": datetime.date(2025, 11, 25),
        "pricing": [
            {
                "name": "Self-hosted",
                "price": Decimal("0"),
                "unit": "",
                "note": "MIT; build from source or use prebuilt binaries",
            },
        ],
        "scorecards": {
            "tomas-arendt": {
                "verdict": "ship",
                "quote": (
                    "Nothing else gives me this much control: quantisation choice, per-layer GPU "
                    "offload, speculative decoding and grammar-constrained output. The price is "
                    "that you pick the flags and read the changelog. Prebuilt binaries and "
                    "llama-server make that much easier than a year ago."
                ),
            },
            "ines-okafor": {
                "verdict": "ship",
                "quote": (
                    "It is the reference that other local runners are measured against, and new "
                    "architectures usually land here first. Flags and defaults shift between "
                    "releases, so pin a version in production. Beyond that I found few real "
                    "failure modes."
                ),
            },
            "marek-lindqvist": {
                "verdict": "ship",
                "quote": (
                    "llama.cpp is infrastructure now. GGUF is the standard file format for local "
                    "models, and Ollama, LM Studio and many others depend on its code. As long as "
                    "people run models on their own hardware, this project sits underneath."
                ),
            },
            "dana-whitlock": {
                "verdict": "ship",
                "quote": (
                    "MIT, free, no vendor and no account. The total cost is engineering time and "
                    "hardware, and the engineering time is lower than it used to be. There is no "
                    "lock-in to speak of; if anything, other tools lock you in to this one."
                ),
            },
        },
    },
]

COMPARISONS: list[dict[str, Any]] = [
    {
        "tools": ["smolvlm2-2b", "smolvlm2"],
        "intro": (
            "Same family, same licence, same image-and-video interface. The question is how much "
            "quality you give up to get a vision model small enough for a phone."
        ),
        "pricing_read": (
            "Both are **Apache-2.0 open weights** with no paid tier, so the price difference is "
            "entirely hardware. **SmolVLM2-2B** wants a GPU with about 8 GB of memory or a recent "
            "Apple Silicon laptop to run comfortably. The **SmolVLM2** 500M and 256M checkpoints "
            "need under 2 GB and run on CPUs and phones, which can move inference off your servers "
            "altogether. If you host either yourself, the 2B model costs several times as much "
            "compute per request as the 500M."
        ),
        "verdict": (
            "Pick **SmolVLM2-2B** if answers are shown to users or feed decisions: it reads "
            "documents and follows video clearly better, and still fits on one consumer GPU. Pick "
            "the 500M **SmolVLM2** for on-device features, offline apps or cheap first-pass "
            "tagging where a short, sometimes wrong caption is acceptable. The 256M checkpoint is "
            "for tight memory budgets and experiments; test it on your own images first. The two "
            "share a prompt format, so switching later costs little."
        ),
        "days_ago": 2,
    },
    {
        "tools": ["chatgpt", "claude", "le-chat"],
        "intro": (
            "The three general assistants most often shortlisted by US and European teams. All "
            "have a free tier and an individual plan between $15 and $20."
        ),
        "pricing_read": (
            "Individual plans are close: **ChatGPT Plus** and **Claude Pro** are both $20 a month, "
            "while **Le Chat Pro** is $14.99. The gap widens at the top, where ChatGPT Pro costs "
            "$200 and Claude Max runs from $100 to $200, and Le Chat has no equivalent heavy-use "
            "tier. For teams, ChatGPT Business and Claude Team are both $25 per seat per month on "
            "annual billing ($30 monthly), and Le Chat Team is $24.99. All three sell Enterprise "
            "plans through sales only."
        ),
        "verdict": (
            "**ChatGPT** is the default for a mixed team: the broadest feature set, including "
            "image generation and agent mode, with the fewest gaps. **Claude** is the better "
            "choice for developers and for long documents, especially since Pro includes Claude "
            "Code, but budget for Max if usage is heavy. **Le Chat** suits cost-conscious teams "
            "and organisations that need EU hosting or a self-hosted assistant; expect to check "
            "more of its answers."
        ),
        "days_ago": 5,
    },
    {
        "tools": ["qwen2-5-vl-7b", "smolvlm2-2b", "moondream-2", "smolvlm2"],
        "intro": (
            "Four open vision-language models you can run yourself, from 7B down to 256M "
            "parameters, compared on document reading, video, structured output and hardware."
        ),
        "pricing_read": (
            "None of the four charges for weights, and all four are Apache-2.0, though Moondream's "
            "newer version 3 uses a more restrictive licence. Cost therefore follows size. "
            "**Qwen2.5-VL-7B** needs about 16 GB of GPU memory at bf16; **SmolVLM2-2B** and "
            "**Moondream 2** fit on an 8 GB card; the **SmolVLM2** 500M and 256M checkpoints run "
            "on a CPU or a phone. Renting a GPU for the 7B model costs several times more per hour "
            "than a small card for a 2B model."
        ),
        "verdict": (
            "Choose **Qwen2.5-VL-7B** when accuracy on documents, charts and screenshots matters "
            "most and you have a 16 GB GPU, though new projects should also look at Qwen3-VL. "
            "**SmolVLM2-2B** is the balanced pick for video and general image questions on modest "
            "hardware. **Moondream 2** wins when you want bounding boxes and points back as data "
            "with no prompt wrangling. **SmolVLM2** 500M/256M is for phones, browsers and edge "
            "boards where nothing larger fits."
        ),
        "days_ago": 9,
    },
    {
        "tools": ["github-copilot", "cursor"],
        "intro": (
            "The two coding assistants most developers actually choose between: a plugin that "
            "works in every major editor, and an editor built around AI."
        ),
        "pricing_read": (
            "**GitHub Copilot** Pro is $10 a month against $20 for **Cursor** Pro, and the gap is "
            "wider for teams: $19 per seat for Copilot Business versus $40 for Cursor Teams. Both "
            "include an allowance for premium model usage and charge beyond it, but Cursor's "
            "allowance drains faster under heavy agent use. Both have a free tier that is enough "
            "for evaluation, and Cursor's Pro+ ($60) and Ultra ($200) exist for people who hit the "
            "limits daily."
        ),
        "verdict": (
            "Pick **GitHub Copilot** if your team uses a mix of editors, already pays for GitHub "
            "Enterprise, or needs the cheapest predictable seat. Pick **Cursor** if your "
            "developers live in VS Code and make large multi-file changes, where its completion "
            "and agent are a step ahead; run it for a month and measure usage before buying seats "
            "for everyone."
        ),
        "days_ago": 14,
    },
    {
        "tools": ["github-copilot", "poolside"],
        "intro": (
            "For companies with strict rules on where source code may go: the mainstream "
            "enterprise option against a vendor that deploys its models inside your "
            "infrastructure."
        ),
        "pricing_read": (
            "**GitHub Copilot** has public prices: $19 per user per month for Business and $39 for "
            "Enterprise, which also requires GitHub Enterprise Cloud. **Poolside** publishes no "
            "prices; every deal goes through sales, and because the models run in your own cloud "
            "or data centre, the GPU bill comes on top of the licence. Expect the total to depend "
            "heavily on deployment size, and ask for a full cost estimate before the pilot ends."
        ),
        "verdict": (
            "Most organisations should start with **GitHub Copilot**: its business plans offer "
            "no-training commitments, content exclusions, audit logs and IP indemnity, which "
            "satisfy many security reviews. Consider **Poolside** only when policy rules out any "
            "third-party service touching the code, and insist on a pilot against your own "
            "repositories, since there are no independent results to rely on."
        ),
        "days_ago": 21,
    },
    {
        "tools": ["midjourney", "flux-1-dev", "stable-diffusion-3-5-large"],
        "intro": (
            "A polished subscription service against two open-weight models. The right pick "
            "depends mostly on whether a person or a program is making the images."
        ),
        "pricing_read": (
            "**Midjourney** is subscription-only, from $10 to $120 a month, with no per-image "
            "charge and no API. **FLUX.1 [dev]** is free to self-host for non-commercial use, or "
            "$0.025 per image through BFL's API; commercial self-hosting needs a licence "
            "negotiated with BFL. **Stable Diffusion 3.5 Large** is free to self-host commercially "
            "for organisations under $1M in annual revenue, or $0.065 per image through "
            "Stability's API, with an enterprise licence above that threshold."
        ),
        "verdict": (
            "Designers and marketers making images by hand should pick **Midjourney**; its output "
            "needs the least fixing. Developers generating images from code should start with "
            "**FLUX.1 [dev]**, through the API for products or self-hosted for internal and "
            "research work. Pick **Stable Diffusion 3.5 Large** if you are a small business that "
            "wants an open model inside a commercial product without negotiating a licence, and "
            "can accept lower quality than FLUX."
        ),
        "days_ago": 27,
    },
    {
        "tools": ["whisper-large-v3-turbo", "deepgram-nova-3"],
        "intro": (
            "Run an open model yourself or pay per minute for an API: accuracy, latency, features "
            "and where the cost lines cross."
        ),
        "pricing_read": (
            "**Whisper large-v3-turbo** is free under MIT; your cost is the GPU, and one card can "
            "process many hours of audio per hour. Through OpenAI's API, hosted Whisper costs "
            "$0.006 a minute. **Deepgram Nova-3** is $0.0043 a minute for recorded audio and "
            "$0.0077 for streaming on pay-as-you-go, with $200 of free credit. At a few thousand "
            "hours a month, self-hosting Whisper becomes clearly cheaper; below that, Deepgram's "
            "recorded-audio rate undercuts even OpenAI's hosted Whisper."
        ),
        "verdict": (
            "Choose **Deepgram Nova-3** for live transcription, voice agents and call audio, where "
            "streaming, diarisation and freedom from silence hallucinations matter more than cost. "
            "Choose **Whisper large-v3-turbo** for batch transcription at volume, offline or "
            "air-gapped use, and projects where audio must stay on your own hardware; add "
            "voice-activity detection to stop it inventing text in quiet passages."
        ),
        "days_ago": 33,
    },
    {
        "tools": ["ollama", "lm-studio", "llama-cpp"],
        "intro": (
            "Three ways to run models on your own machine: a CLI with an API, a desktop app, and "
            "the engine both of them build on."
        ),
        "pricing_read": (
            "All three are free, including for work. **Ollama** and **llama.cpp** are MIT-licensed "
            "open source, and Ollama adds an optional $20-a-month plan for larger cloud-hosted "
            "models. **LM Studio** is free closed-source software with MIT-licensed SDKs, and "
            "sells an enterprise tier through sales for central management. In practice the cost "
            "is your hardware, and all three run the same GGUF files on it."
        ),
        "verdict": (
            "Developers who want a local model behind an API with minimal fuss should use "
            "**Ollama**. People who want a good desktop chat app, or the fastest option on Apple "
            "Silicon through MLX, should use **LM Studio**. Use **llama.cpp** directly when you "
            "need control over quantisation, offloading and server flags, or when you are shipping "
            "inference inside your own product."
        ),
        "days_ago": 40,
    },
    {
        "tools": ["smolvlm2", "moondream-2"],
        "intro": (
            "Two small vision models for edge devices and cheap pipelines: a general tiny VLM, and "
            "one that trades breadth for built-in detection and pointing."
        ),
        "pricing_read": (
            "Both are free Apache-2.0 weights with no paid tier. The **SmolVLM2** 500M and 256M "
            "checkpoints need less memory than **Moondream 2** at about 2B parameters, which "
            "matters on phones and single-board computers. Moondream's free local app, Moondream "
            "Station, makes it easy to serve on a desktop at no cost, while SmolVLM2 relies on "
            "standard tools such as llama.cpp and MLX."
        ),
        "verdict": (
            "Pick **SmolVLM2** when the model must fit on a phone or in under 2 GB, or when you "
            "need short video clips handled. Pick **Moondream 2** when you need object locations "
            "or click targets returned as coordinates and have a few gigabytes to spare. Neither "
            "is reliable for reading dense documents; step up to a larger model for that."
        ),
        "days_ago": 48,
    },
]
