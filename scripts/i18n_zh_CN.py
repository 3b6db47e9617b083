# -*- coding: utf-8 -*-
"""Simplified Chinese translations of the OneCard addons: msgid -> msgstr.

Applied by scripts/i18n_update.sh (through scripts/i18n_merge.py) to every
addon's i18n/zh_CN.po. Add new msgids here (the script lists the untranslated
ones and saves them to /tmp/<addon>_untranslated.txt) and re-run the script.
Placeholders (%s, %(name)s, {name}) and markup must be kept as they are.
"""

TRANSLATIONS = {
    '%(employee)s still has a card account in %(company)s (%(what)s). Return the card at the card desk first: it pays out the balance and the deposit. Then move the employee.':
        '%(employee)s 在 %(company)s 仍有一卡通账户（%(what)s）。请先到卡务台退卡：退卡会退还余额和押金。然后再调动该员工。',
    '%s done.':
        '%s 已完成。',
    '%s wallet(s) verified: every ledger row is intact.':
        '已校验 %s 个钱包：所有流水记录均完整无误。',
    '(head/balance)':
        '（链头/余额）',
    '(none)':
        '（无）',
    '.\n                        Run the agent with <code>--token-file</code> or <code>ONECARD_DESK_TOKEN</code>.':
        '的令牌。请使用 <code>--token-file</code> 或 <code>ONECARD_DESK_TOKEN</code> 运行读卡代理。',
    '<i class="fa fa-terminal" title="Pending commands"/>':
        '<i class="fa fa-terminal" title="待执行指令"/>',
    '<span class="o_stat_text">One-Card</span>':
        '<span class="o_stat_text">一卡通</span>',
    '<span>Refund pending</span>':
        '<span>待退款</span>',
    'A back-entry needs a reason.':
        '补录消费须填写原因。',
    'A card UID cannot be changed: replace the card instead.':
        '卡片 UID 不能修改：请改为补卡。',
    'A cardholder appears once per batch.':
        '同一批次中每位持卡人只能出现一次。',
    'A correction needs a reason.':
        '冲正须填写原因。',
    'A key amount must be positive.':
        '按键金额必须为正数。',
    'A meal period must start before it ends, within the day.':
        '餐别的开始时间必须早于结束时间，且在同一天内。',
    'A meal price cannot be negative.':
        '餐价不能为负数。',
    'A new cardholder needs a name and a code.':
        '新持卡人须填写姓名和编号。',
    'A PIN is 4 to 6 digits.':
        '密码为 4 至 6 位数字。',
    'A replaced card stays blocked for good: it cannot be unlocked.':
        '已补卡的旧卡将永久锁定，不能解挂。',
    'A row must be a mapping of field names to values.':
        '每一行必须是字段名到字段值的映射。',
    'A scheduled action settles the previous day every night.':
        '计划任务每晚自动结算前一天。',
    'A signed request is accepted once.':
        '同一个签名请求只能被接受一次。',
    'A subsidy amount must be positive.':
        '补贴金额必须为正数。',
    'Above this amount a PIN is required (0 = use the cardholder category).':
        '超过此金额须输入密码（0 = 使用持卡人类别的设置）。',
    'Above this amount the cardholder must key the PIN; 0 = never.':
        '超过此金额持卡人须输入密码；0 = 从不需要。',
    'Account':
        '科目',
    'Account Chart Template':
        '科目表模板',
    'Account closed or frozen':
        '账户已注销或已冻结',
    'Account frozen or closed':
        '账户已冻结或已注销',
    'Account State':
        '账户状态',
    'Accountant':
        '会计',
    'Accounting':
        '会计',
    'Accumulate':
        '累加',
    'Action':
        '动作',
    'Action Needed':
        '需要采取行动',
    'Active':
        '有效',
    'Activities':
        '活动',
    'Activity Exception Decoration':
        '活动异常标示',
    'Activity State':
        '活动状态',
    'Activity Type Icon':
        '活动类型图标',
    'Add':
        '添加',
    'Add a line for everyone in the chosen departments, categories and cardholders.':
        '为所选部门、类别及持卡人中的每个人各添加一行。',
    'Add the lines of the CSV / XLSX file: cardholder code, amount.':
        '从 CSV / XLSX 文件添加明细：持卡人编号、金额。',
    'Admin':
        '管理卡',
    'Admin and operator cards log this user in.':
        '管理卡和操作员卡可用于登录此用户。',
    'Admin and operator cards must be linked to an Odoo user.':
        '管理卡和操作员卡必须关联一个 Odoo 用户。',
    'After this day what is left of this grant is cleared automatically.':
        '过了这一天，本次发放中未用完的部分将自动清零。',
    'Alipay':
        '支付宝',
    'Allowed':
        '使用范围',
    'Allowed Meal Periods':
        '允许的餐别',
    'Allowed Terminals':
        '允许的消费机',
    'Already swiped, wait a moment':
        '已刷过卡，请稍候',
    'Amount':
        '金额',
    'Amount (keyed by the operator)':
        '计额（操作员输入金额）',
    'Amount per Person':
        '人均金额',
    'Analytic Account':
        '分析账户',
    'Answer':
        '应答',
    'Anyone with this secret can charge cards as this terminal. If it leaked, press New Secret\n                        and give the terminal the new one.':
        '任何持有此密钥的人都可以冒充此终端扣款。如已泄露，请点击“新密钥”，并把新密钥配置到终端。',
    'Approved':
        '已通过',
    'Archived':
        '已归档',
    'Archived reader agents cannot get a token.':
        '已归档的读卡代理不能获取令牌。',
    "As booked: the canteen's (consumption) or the department's (subsidy) analytic account at that time. Settlement posts with it, whatever the canteen or department carry today.":
        '入账时的分析账户：消费为当时食堂的分析账户，补贴为当时部门的分析账户。结算按它过账，不论食堂或部门现在的设置。',
    'As the ledger rows were booked with it.':
        '与流水入账时记录的一致。',
    'At most %(max)s records per upload.':
        '每次上传最多 %(max)s 条记录。',
    'Attachment Count':
        '附件数量',
    'Back-entry':
        '补录消费',
    'Back-entry refused: %s':
        '补录消费被拒绝：%s',
    'Balance':
        '余额',
    'Balance After':
        '交易后余额',
    'Balance of the account (credit shown positive).':
        '科目余额（贷方以正数显示）。',
    'Balanced':
        '借贷平衡',
    'Balances':
        '余额',
    'Bank':
        '银行',
    'Batch':
        '批次',
    'Blacklist':
        '黑名单',
    'Booked although a rule would have refused it (offline record).':
        '虽然规则本会拒绝，但仍已记账（脱机记录）。',
    'Books a meal the terminal could not record. It is booked even below zero and flagged\n                    when a rule would have refused it.':
        '补录消费机未能记录的就餐消费。即使余额不足也会记账，若规则本会拒绝则予以标记。',
    'Bumped at every card state change; terminals fetch the black/white list delta since their version.':
        '每次卡片状态变更时递增；消费机按自己的版本号获取黑白名单的增量。',
    'Bus Address':
        '总线地址',
    'Business Time':
        '业务时间',
    'Can Issue':
        '可发卡',
    'Cancel':
        '取消',
    'Cancel this batch? What was granted and is still unspent is taken back.':
        '确定取消此批次吗？已发放但尚未使用的补贴将被收回。',
    'Cancelled':
        '已取消',
    'Canteen':
        '食堂',
    'Canteen %s posts to a payable: set its operator.':
        '食堂 %s 记入应付款：请设置其经营方。',
    'Canteen History':
        '所属食堂历史',
    'Canteen Operator':
        '食堂经营方',
    'Canteen Revenue':
        '食堂收入',
    'Canteens':
        '食堂',
    'Card':
        '卡片',
    'Card %(card)s is %(state)s: this operation is not possible.':
        '卡片 %(card)s 处于“%(state)s”状态：无法执行此操作。',
    'Card %(card)s is not active.':
        '卡片 %(card)s 未处于正常状态。',
    'Card %(card)s was replaced by card %(new)s: it stays blocked.':
        '卡片 %(card)s 已补办新卡 %(new)s：旧卡保持锁定。',
    'Card %(uid)s is %(state)s: it may be issued again.':
        '卡片 %(uid)s 处于“%(state)s”状态：可以重新发行。',
    'card %s':
        '卡片 %s',
    'Card %s is unknown: issue a new card to it.':
        '卡片 %s 未登记：请为其发行新卡。',
    'Card %s read: close the dialog to load it on the desk.':
        '已读取卡片 %s：关闭对话框即可将其载入操作台。',
    'Card Accounts':
        '一卡通会计科目',
    'Card Cash Liability':
        '卡内现金负债',
    'Card expired':
        '卡片已过期',
    'Card Found':
        '已找到卡片',
    'Card frozen':
        '卡片已冻结',
    'Card Issue':
        '发卡',
    'Card Kind':
        '卡类型',
    'Card Ledger Row':
        '卡务流水记录',
    'Card List Change':
        '卡片名单变更',
    'Card List Changes':
        '卡片名单变更',
    'Card List Version':
        '卡片名单版本',
    'Card lost':
        '卡片已挂失',
    'Card Money Engine':
        '卡资金引擎',
    'Card Number':
        '卡号',
    'Card Office Desk':
        '卡务台',
    'Card office desk: issue, top up, lost, refund, return.':
        '卡务台：发卡、充值、挂失、退款、退卡。',
    'Card Operation':
        '卡务操作',
    'Card operations are recorded only by the money engine.':
        '卡务操作只能由资金引擎记录。',
    'Card operations cannot be changed. Use a correction.':
        '卡务操作不可修改，请使用冲正。',
    'Card operations cannot be deleted. Use a correction.':
        '卡务操作不可删除，请使用冲正。',
    'Card Payment Method':
        '卡支付方式',
    'Card Reconciliation':
        '一卡通对账',
    'Card Reconciliation Line':
        '一卡通对账明细',
    'Card reported lost':
        '卡片已挂失',
    'Card Return':
        '退卡',
    'Card returned':
        '卡片已退卡',
    'Card returned or expired':
        '卡片已退卡或已过期',
    'Card Settlement':
        '一卡通结算',
    'Card Settlement Journal':
        '一卡通结算日记账',
    'Card Spend Order':
        '扣款顺序',
    'Card State':
        '卡片状态',
    'Card State Change':
        '卡片状态变更',
    'Card State History':
        '卡片状态历史',
    'Card UID':
        '卡片 UID',
    'Card UID %s belongs to someone else.':
        '卡片 UID %s 属于其他人。',
    'Card UID %s is already in use.':
        '卡片 UID %s 已被使用。',
    "Card UIDs read by this agent are loaded into this user's open Operator Desk.":
        '此代理读取的卡片 UID 将载入该用户已打开的卡务台。',
    'Card Wallet':
        '一卡通钱包',
    'Cardholder':
        '持卡人',
    'Cardholder archived':
        '持卡人已归档',
    'Cardholder Categories':
        '持卡人类别',
    'Cardholder Category':
        '持卡人类别',
    'Cardholder per Employee':
        '员工自动开户',
    'Cardholders':
        '持卡人',
    'Cards':
        '卡片',
    'Cards and Wallets':
        '卡片与钱包',
    "Carried by the canteen's revenue lines at settlement.":
        '结算时计入该食堂的收入明细。',
    "Carried by this department's subsidy expense at settlement.":
        '结算时计入该部门的补贴费用。',
    'Cash':
        '现金',
    'Cash Balance':
        '现金余额',
    'Cash first, then subsidy':
        '先扣现金，后扣补贴',
    'Cash:':
        '现金：',
    'Cashier Terminal':
        '收银机',
    'Category':
        '类别',
    'Chain Head':
        '链头',
    'Chip serial number, hex.':
        '芯片序列号，十六进制。',
    'Choose a file to import.':
        '请选择要导入的文件。',
    'Choose a payment method for the deposit and the top-up.':
        '请为押金和充值选择支付方式。',
    'Choose a payment method.':
        '请选择支付方式。',
    'Choose departments, categories or cardholders.':
        '请选择部门、类别或持卡人。',
    'Choose the card.':
        '请选择卡片。',
    'Choose the cardholder.':
        '请选择持卡人。',
    'Choose the consumption to correct.':
        '请选择要冲正的消费记录。',
    'Choose the terminal where the meal was eaten.':
        '请选择就餐所在的消费机。',
    'Clock Drift':
        '时钟偏差',
    'Close the sequence-conflict alert once the conflicts (see the chatter) are checked.':
        '核查冲突（见沟通记录）后关闭流水号冲突警报。',
    'Closed':
        '已注销',
    'Closing time, hours of the day.':
        '结束时间，以一天中的小时表示。',
    'Code':
        '编号',
    'Code %s appears twice in this push.':
        '编号 %s 在本次推送中出现了两次。',
    'Code and name are required.':
        '编号和姓名为必填项。',
    'Collect Records':
        '采集记录',
    'Columns: cardholder code, amount.':
        '列：持卡人编号、金额。',
    'Commands':
        '指令',
    'Companies':
        '公司',
    'Company':
        '公司',
    'Compute':
        '计算',
    'Config Settings':
        '配置设置',
    'Configuration':
        '配置',
    'Confirm':
        '确认',
    'Confirm this batch? Immediate batches credit the wallets now.':
        '确定确认此批次吗？“立即发放”的批次将立即记入钱包。',
    'Confirmed':
        '已确认',
    'Conflicts Reviewed':
        '冲突已核查',
    'Connect a PC/SC card reader on a desk PC':
        '在卡务台电脑上连接 PC/SC 读卡器',
    'Connection':
        '连接方式',
    'Consume Category':
        '消费类别',
    'Consumption':
        '消费',
    "Consumption at an outsourced canteen: the caterer owed it when it was booked (empty: the canteen's own revenue). Settlement posts to this payable, whatever the canteen's contract is today.":
        '外包食堂的消费：入账时应付给的承包商（为空：食堂自有收入）。结算按此应付过账，不论食堂现在的合同如何。',
    'Consumption Categories':
        '消费类别',
    'Consumption Category':
        '消费类别',
    'Consumption Engine':
        '消费引擎',
    'Consumption Terminal':
        '消费机',
    'Consumption to Correct':
        '待冲正的消费',
    'Consumptions':
        '消费记录',
    'Contact':
        '联系人',
    'Copy the token now':
        '请立即复制令牌',
    'Correct':
        '冲正',
    'Corrected':
        '已冲正',
    'Correction':
        '冲正',
    'Corrections':
        '冲正',
    'Count':
        '次数',
    'Count (meals per period)':
        '计次（每餐别限次）',
    'Count mode: meals allowed per meal period.':
        '计次模式：每个餐别允许的就餐次数。',
    'Create a cardholder automatically for every new or imported employee.':
        '为每位新建或导入的员工自动创建持卡人。',
    'Created by':
        '创建人',
    'Created on':
        '创建日期',
    'Credit Limit':
        '透支额度',
    'Credits':
        '入账',
    'CSV / XLSX File':
        'CSV / XLSX 文件',
    'CSV or XLSX: cardholder code in the first column, amount in the second\n                                        (empty = the amount per person). A header row is optional.':
        'CSV 或 XLSX：第一列为持卡人编号，第二列为金额（为空则按人均金额）。表头行可有可无。',
    'Currency':
        '币种',
    'Daily':
        '每日',
    'Daily Limit':
        '每日限额',
    'Daily limit reached':
        '已达每日限额',
    'Date':
        '日期',
    'Date From':
        '开始日期',
    'Date To':
        '结束日期',
    'Dated before this period: a late offline record or correction.':
        '日期早于本期：延迟上传的脱机记录或冲正。',
    'Day':
        '日',
    'Debits':
        '出账',
    'Declined':
        '已拒绝',
    'Department':
        '部门',
    'Departments':
        '部门',
    'Deposit':
        '押金',
    'Deposit and opening top-up cannot be negative.':
        '押金和开户充值金额不能为负数。',
    'Deposit Balance':
        '押金余额',
    'Deposit In':
        '收取押金',
    'Deposit Liability':
        '押金负债',
    'Deposit Out':
        '退还押金',
    'Deposit taken when the card was issued.':
        '发卡时收取的押金。',
    'Desk':
        '卡务台',
    'Desk Card Reader Agent':
        '卡务台读卡代理',
    'Desk Card Readers':
        '卡务台读卡器',
    'Desk Reader Token':
        '卡务台读卡器令牌',
    'Difference':
        '差额',
    'Digest of the request (card, amount, key, time, ...): a request that comes back under the same key or sequence number is a replay only with the same digest.':
        '请求摘要（卡片、金额、按键、时间等）：以相同幂等键或流水号再次到达的请求，仅在摘要相同时才视为重放。',
    'Direction':
        '方向',
    'Discard':
        '放弃',
    'Discount applied to every consumption of this category.':
        '该类别每笔消费适用的折扣。',
    'Discount Percent':
        '折扣百分比',
    'Display Name':
        '显示名称',
    'Distribution':
        '发放方式',
    'Done':
        '已完成',
    'Done Date':
        '完成日期',
    'Draft':
        '草稿',
    'Duplicate sequence numbers in one upload.':
        '一次上传中存在重复的流水号。',
    'e.g. Card office, window 2':
        '例如：卡务中心 2 号窗口',
    'e.g. North Canteen':
        '例如：北区食堂',
    'e.g. North canteen, window 1':
        '例如：北区食堂 1 号窗口',
    'e.g. Staff':
        '例如：职工',
    'e.g. Zhang San':
        '例如：张三',
    "Each desk PC runs a small agent that reads card UIDs and loads them into its\n                operator's open Operator Desk. Create one here and generate its token.":
        '每台卡务台电脑运行一个小型代理程序，读取卡片 UID 并载入其操作员已打开的卡务台。请在此创建代理并生成其令牌。',
    'Each key is defined once per terminal.':
        '每个按键在同一消费机上只能定义一次。',
    'Employee':
        '员工',
    'Employee archived':
        '员工已归档',
    'Employee number, unique per company.':
        '员工编号，在公司内唯一。',
    'Employee number; the key HR syncs on.':
        '员工编号；HR 同步所依据的键。',
    'Employees get an account automatically; visitors and contractors are added here.':
        '员工会自动开户；访客和外包人员请在此添加。',
    'Empty = every meal period.':
        '为空 = 所有餐别。',
    'Empty = every terminal.':
        '为空 = 所有消费机。',
    'Empty: since the terminal was set up.':
        '为空：自消费机启用起。',
    'End Hour':
        '结束时间',
    'Engine Settings Cache':
        '引擎配置缓存',
    'Enter PIN':
        '请输入密码',
    "Enter these in the terminal's setup: it sends the serial number with every request\n                        (X-Terminal header, or tag 10 of its first TCP heartbeat) and signs with the secret\n                        (HMAC-SHA256; the MAC of binary frames). See docs/terminal-api.md and docs/binary-protocol.md.":
        '请在终端设置中输入以下内容：终端在每个请求中发送序列号（X-Terminal 请求头，或首个 TCP 心跳的标签 10），并用密钥签名（HMAC-SHA256；二进制帧的 MAC）。参见 docs/terminal-api.md 和 docs/binary-protocol.md。',
    'Every night a scheduled action settles the previous day.':
        '计划任务每晚自动结算前一天。',
    'Every unsettled ledger row up to the end of the period is posted in one journal entry;\n                    rows dated earlier (late offline records, corrections) are included and counted as late.\n                    Settling a period already settled shows the existing settlement.':
        '截至期末所有未结算的流水记录都将过账到同一张日记账分录中；日期更早的记录（延迟上传的脱机记录、冲正）也会一并计入，并计为延迟入账。对已结算的期间再次结算将显示现有的结算单。',
    'Existing cardholder':
        '已有持卡人',
    'Expired':
        '已过期',
    'Expiry Date':
        '有效期至',
    'Failed':
        '失败',
    'Field %(field)s contains a NUL character.':
        '字段 %(field)s 含有 NUL 字符。',
    'Field %(field)s is not a plausible time.':
        '字段 %(field)s 不是合理的时间。',
    'Field %(field)s is not valid text.':
        '字段 %(field)s 不是有效的文本。',
    'Field %(field)s is out of range.':
        '字段 %(field)s 超出范围。',
    'Field %(field)s is too long.':
        '字段 %(field)s 过长。',
    'Field %(field)s must be a list.':
        '字段 %(field)s 必须是列表。',
    'Field %(field)s must be a number.':
        '字段 %(field)s 必须是数字。',
    'Field %(field)s must be a string.':
        '字段 %(field)s 必须是字符串。',
    'Field %(field)s must be an integer.':
        '字段 %(field)s 必须是整数。',
    'Field %(field)s must be true or false.':
        '字段 %(field)s 必须是 true 或 false。',
    'File':
        '文件',
    'Firmware':
        '固件版本',
    'Fixed Amount':
        '固定金额',
    'Fixed and count modes: the price of one swipe.':
        '定额和计次模式：每次刷卡的价格。',
    'Fixed price':
        '定额',
    'Flagged':
        '已标记',
    'Followers':
        '关注者',
    'Followers (Partners)':
        '关注者（合作伙伴）',
    'Font awesome icon e.g. fa-tasks':
        'Font Awesome 图标，例如：fa-tasks',
    'Found and unlocked':
        '已找到并解挂',
    'Freeze':
        '冻结',
    'From':
        '自',
    'Frozen':
        '已冻结',
    'General Ledger':
        '总账',
    'Generate token':
        '生成令牌',
    'Give the terminal its serial number first (Connection tab).':
        '请先为终端填写序列号（“连接”页签）。',
    'GL entries on the account not made by a settlement.':
        '该科目上非结算生成的总账分录。',
    'GL entries on the account not made by a settlement: they are in the difference, each listed below.':
        '该科目上非结算生成的总账分录：计入差额，并在下方逐笔列出。',
    'Grant a subsidy to many people at once':
        '一次性为多人发放补贴',
    'Granted':
        '已发放',
    'Granted Amount':
        '已发放金额',
    'Group By':
        '分组方式',
    'Has Message':
        '有消息',
    'Has Token':
        '已有令牌',
    'Hash':
        '哈希值',
    'Hash of the last ledger row of this wallet.':
        '该钱包最后一条流水记录的哈希值。',
    'Highest offline record number uploaded in the current sequence epoch.':
        '当前流水号纪元内已上传的最大脱机记录流水号。',
    'History':
        '历史',
    'Holder':
        '持卡人',
    'Holder Name':
        '持卡人姓名',
    'HTTP':
        'HTTP',
    'Icon':
        '图标',
    'Icon to indicate an exception activity.':
        '指示异常活动的图标。',
    'ID':
        'ID',
    'Idempotency Key':
        '幂等键',
    'Idempotency keys are unique.':
        '幂等键必须唯一。',
    'If checked, new messages require your attention.':
        '如果勾选此项，则需要查看新消息。',
    'If checked, some messages have a delivery error.':
        '如果勾选此项，某些消息将出现发送错误。',
    'Immediately on confirmation':
        '确认后立即发放',
    'Import column: issuing a card with this UID when the employee has none live.':
        '导入列：当员工没有在用卡片时，以此 UID 为其发卡。',
    'Import File':
        '导入文件',
    'Import Filename':
        '导入文件名',
    'Insufficient balance':
        '余额不足',
    'Insufficient balance in the %(wallet)s wallet: %(balance).2f available.':
        '%(wallet)s钱包余额不足：可用余额 %(balance).2f。',
    'Internal server error.':
        '服务器内部错误。',
    'Invalid amount':
        '金额无效',
    'Invalid Content-Length.':
        'Content-Length 无效。',
    'Invalid signature.':
        '签名无效。',
    'Is Follower':
        '是关注者',
    'Issue a Card':
        '发卡',
    'Issue Card':
        '发卡',
    'Issue cards from the operator desk.':
        '请在卡务台发卡。',
    'Issued':
        '已发卡',
    'Journal':
        '日记账',
    'Journal Entry':
        '日记账分录',
    'Journal of the one entry posted per settlement.':
        '每次结算过账的那张分录所用的日记账。',
    'Journal whose account receives top-ups and pays refunds in this company.':
        '本公司用于收取充值款和支付退款的日记账（取其科目）。',
    'Journal whose account receives top-ups and pays refunds in this company. A method without a journal in a company cannot be used there.':
        '在本公司接收充值款项并支付退款的日记账。在某公司没有日记账的支付方式不能在该公司使用。',
    'Key':
        '按键',
    'Key-value':
        '按键定额',
    'Keys':
        '按键',
    'Kind':
        '类型',
    'Label':
        '标签',
    'Largest amount an offline terminal accepts without asking.':
        '脱机消费机无需联机确认即可接受的最大金额。',
    'Last Card UID':
        '最近读取的卡片 UID',
    'Last Operations':
        '最近操作',
    'Last Record Sequence':
        '最后记录流水号',
    'Last request of the agent that Odoo accepted.':
        'Odoo 最近一次接受的代理请求时间。',
    'Last Seen':
        '最后在线时间',
    'Last seen:':
        '最后在线：',
    'Last Sequence Conflict':
        '最近一次流水号冲突',
    'Last Swipe At':
        '最近刷卡时间',
    'Last Swipe Terminal':
        '最近刷卡消费机',
    'Last Updated by':
        '最后更新人',
    'Last Updated on':
        '最后更新时间',
    'Late':
        '延迟入账',
    'Late Count':
        '延迟入账笔数',
    'Late Rows':
        '延迟入账记录',
    'Leave empty to number the card automatically.':
        '留空则自动编制卡号。',
    'Ledger':
        '流水',
    'Ledger - not yet posted - (GL - manual entries): zero when reconciled.':
        '流水 - 尚未过账 - （总账 - 手工分录）：对账平衡时为零。',
    'Ledger - not yet posted - general ledger: zero when reconciled. A manual entry on a card account is a difference.':
        '流水 - 尚未过账 - 总账：对账平衡时为零。卡务科目上的手工分录计为差额。',
    'Ledger Row':
        '流水记录',
    'Ledger Rows':
        '流水记录',
    'Ledger rows are written only by card operations.':
        '流水记录只能由卡务操作写入。',
    'Ledger rows cannot be changed. Use a correction.':
        '流水记录不可修改，请使用冲正。',
    'Ledger rows cannot be deleted. Use a correction.':
        '流水记录不可删除，请使用冲正。',
    'Ledger rows of the period not in the GL yet.':
        '本期尚未记入总账的流水记录。',
    'Liability Account':
        '负债科目',
    'Limits':
        '限额',
    'Limits, thresholds and counts cannot be negative.':
        '限额、阈值和次数不能为负数。',
    'Line':
        '明细',
    'Line Count':
        '明细数',
    'Lines':
        '明细',
    'List Type':
        '名单类型',
    'List Version Loaded':
        '已加载名单版本',
    'Live':
        '在用',
    'Live Cards':
        '在用卡片',
    'Load From':
        '加载来源',
    'Load Lines':
        '加载明细',
    'Load lines from departments, cardholder categories, a selection or a CSV / XLSX file, then confirm.':
        '从部门、持卡人类别、手工选择或 CSV / XLSX 文件加载明细，然后确认。',
    'Log in with an operator card first.':
        '请先刷操作员卡登录。',
    'Logged-in Operator':
        '已登录操作员',
    'Lost':
        '已挂失',
    'Malformed HTTP request.':
        'HTTP 请求格式错误。',
    'Manager':
        '管理员',
    'Manual Entries':
        '手工分录',
    'Manual Entry':
        '手工分录',
    "Map the chart's cash or bank journal, or create the clearing journal of WeChat Pay / Alipay.":
        '映射科目表中的现金或银行日记账，或为微信支付 / 支付宝创建清算日记账。',
    'Map the payment method %s to a journal with an account.':
        '请将支付方式 %s 对应到一个设有科目的日记账。',
    'Maximum spent per day; 0 = no limit.':
        '每日消费上限；0 = 不限。',
    'Maximum spent per meal period; 0 = no limit.':
        '每个餐别消费上限；0 = 不限。',
    'Meal Limit':
        '每餐限额',
    'Meal limit reached':
        '已达每餐限额',
    'Meal Period':
        '餐别',
    'Meal period not allowed':
        '此餐别不允许消费',
    'Meal period price':
        '按餐别定价',
    'Meal Periods':
        '餐别',
    'Meal Price':
        '餐价',
    'Meal Prices':
        '餐价',
    'Meals for this period used up':
        '本餐别次数已用完',
    'Meals Per Period':
        '每餐别次数',
    'Message':
        '消息',
    'Message Delivery error':
        '消息发送错误',
    'Messages':
        '消息',
    'Missing field: %(field)s.':
        '缺少字段：%(field)s。',
    'Mode':
        '模式',
    'Money':
        '金额',
    'Month':
        '月',
    'Monthly':
        '每月',
    'My Activity Deadline':
        '我的活动截止时间',
    'Name':
        '名称',
    'Negative Balance':
        '余额为负',
    'Never Seen':
        '从未上线',
    'New':
        '新建',
    'New Card Number':
        '新卡号',
    'New Card UID':
        '新卡 UID',
    'New cardholder':
        '新持卡人',
    'New Secret':
        '新密钥',
    'New State':
        '新状态',
    'Next Activity Deadline':
        '下一活动截止日期',
    'Next Activity Summary':
        '下一活动摘要',
    'Next Activity Type':
        '下一活动类型',
    'No card':
        '无卡',
    'No card yet':
        '尚无卡片',
    'No heartbeat since %s (UTC).':
        '自 %s（UTC）起没有心跳。',
    'No meal served now':
        '当前不在供餐时间',
    'No operation yet':
        '尚无操作记录',
    'No price for this meal':
        '此餐别未定价',
    'No settlement yet':
        '尚无结算记录',
    'No such endpoint.':
        '接口不存在。',
    'Not allowed at this terminal':
        '此消费机不允许使用',
    'Not Yet Posted':
        '尚未过账',
    'Note':
        '备注',
    'Nothing to post.':
        '没有需要过账的内容。',
    'Number of Actions':
        '操作数量',
    'Number of errors':
        '错误数量',
    'Number of messages requiring action':
        '需要采取行动的消息数量',
    'Number of messages with delivery error':
        '发送错误的消息数量',
    'Odoo keeps only a hash of the token: it cannot be shown again.\n                        If it is lost, generate a new one.':
        'Odoo 只保存令牌的哈希值：令牌无法再次显示。如果遗失，请重新生成。',
    'Odoo User':
        'Odoo 用户',
    'Official':
        '正式卡',
    'Official → Temporary':
        '正式卡 → 临时卡',
    'Offline':
        '脱机',
    'Offline Limit':
        '脱机限额',
    'Offline mode':
        '脱机模式',
    'Old State':
        '原状态',
    'On collection (next swipe or kiosk)':
        '领取时发放（下次刷卡或在圈存机上）',
    'One price per meal period and category.':
        '每个餐别和类别只能有一个价格。',
    'One wallet of each kind per cardholder.':
        '每位持卡人每种钱包只能有一个。',
    'One-Card':
        '一卡通',
    'One-Card: clear expired subsidies':
        '一卡通：清除过期补贴',
    'One-Card: settle yesterday':
        '一卡通：结算昨日',
    'OneCard Demo Data Generator':
        '一卡通演示数据生成器',
    'OneCard: collect records from polled terminals':
        '一卡通：从轮询消费机采集记录',
    'OneCard: flag silent terminals':
        '一卡通：标记失联的消费机',
    'OneCard: purge terminal nonces and old commands':
        '一卡通：清理消费机随机数和旧指令',
    'Online':
        '联机',
    'Online terminals ask per swipe; offline ones keep a whitelist and upload later.':
        '联机消费机每次刷卡都向服务器请求确认；脱机消费机保存白名单，稍后上传记录。',
    'Only a posted settlement can be reversed.':
        '只有已过账的结算才能冲销。',
    'Only approved consumptions can be corrected.':
        '只有已通过的消费才能冲正。',
    'Only One-Card managers can see terminal secrets.':
        '只有一卡通管理员可以查看终端密钥。',
    'Open a card account':
        '开设一卡通账户',
    'Open a card account automatically for every new or imported employee.':
        '为每位新建或导入的员工自动开设一卡通账户。',
    'Opening time, hours of the day (e.g. 11.5 = 11:30).':
        '开始时间，以一天中的小时表示（例如 11.5 = 11:30）。',
    'Opening Top-up':
        '开户充值',
    'Operation':
        '操作',
    'Operations':
        '卡务操作',
    'Operator':
        '操作员',
    'Operator Desk':
        '卡务台',
    'Operator Session':
        '操作员会话',
    'Operator Since':
        '操作员登录时间',
    'Other':
        '其他',
    'Outsourced':
        '外包',
    'Outsourced canteens are owed what they sold instead of it being our revenue.':
        '外包食堂按其售出金额记为应付给经营方的款项，而非本单位收入。',
    'Owed To':
        '应付对象',
    'Own revenue':
        '本单位收入',
    'Payable to the operator':
        '应付经营方',
    'Payment':
        '支付',
    'Payment Method':
        '支付方式',
    'Payment Methods':
        '支付方式',
    'Pending':
        '待执行',
    'pending':
        '待执行',
    'Pending Command Count':
        '待执行指令数',
    'Pending Commands':
        '待执行指令',
    'Period':
        '期间',
    'Period locked in accounting: posted on %s.':
        '会计期间已锁定：已在 %s 过账。',
    'Pin Failures':
        '密码错误次数',
    'Pin Hash':
        '密码哈希',
    'Pin Locked Until':
        '密码锁定至',
    'PIN locked, see the card office':
        '密码已锁定，请到卡务中心处理',
    'Pin Set':
        '已设密码',
    'Pin Threshold':
        '验密金额',
    'Port URL':
        '端口 URL',
    'Posted':
        '已过账',
    'Posted outside its period: dated before this period, or in a period already settled (a late offline record or back-entry).':
        '在所属期间之外入账：日期早于本期，或落在已结算的期间内（延迟上传的脱机记录或补录消费）。',
    'Posting':
        '入账方式',
    'Postpaid (bookkeeping)':
        '后付费（记账）',
    'Postpaid (bookkeeping) mode: how far the cash wallet may go below zero.':
        '后付费（记账）模式：现金钱包允许透支的额度。',
    'Prev Hash':
        '前一哈希值',
    'Price':
        '价格',
    'Push Lists':
        '下发名单',
    'Push Settings':
        '下发参数',
    'pyserial URL: /dev/ttyUSB0, socket://host:port, a pty path.':
        'pyserial URL：/dev/ttyUSB0、socket://host:port 或 pty 路径。',
    'Queued':
        '排队中',
    'Reader Name':
        '读卡器名称',
    'Reads the ledger, settles, configures accounts. Cannot issue cards.':
        '查阅流水、办理结算、配置科目。不能发卡。',
    'Reason':
        '原因',
    'Reason Code':
        '原因代码',
    'Reboot':
        '重启',
    'Reboot this terminal at its next heartbeat?':
        '确定在下次心跳时重启此消费机吗？',
    'Receipt or payment reference of the top-up.':
        '充值的收据或付款参考号。',
    'Received':
        '接收时间',
    'Reconciliation':
        '对账',
    'Record %(epoch)s:%(seq)s (key %(key)s) reused by another request: card %(uid)s, amount %(amount)s, keypad key %(keypad)s, offline %(offline)s, time %(time)s (UTC). Refused, nothing booked.':
        '记录 %(epoch)s:%(seq)s（幂等键 %(key)s）被另一个请求重复使用：卡片 %(uid)s，金额 %(amount)s，按键 %(keypad)s，脱机 %(offline)s，时间 %(time)s（UTC）。已拒绝，未记账。',
    'Record number already used: refused':
        '流水号已被使用：拒绝',
    'Records are numbered (epoch, sequence). The terminal asks for a new epoch (sequence_reset) after its counter was legitimately reset; records of older epochs keep their identity.':
        '记录按（纪元，流水号）编号。终端计数器正常复位后请求新的纪元（sequence_reset）；旧纪元的记录保持原有标识。',
    'Reference':
        '参考号',
    'Refund':
        '退款',
    'Refund Pending':
        '待退款',
    'Refund pending':
        '待退款',
    'Refunds and Returns':
        '退款与退卡',
    'Remove':
        '移除',
    'Repeat Interval':
        '重复刷卡间隔',
    'Replace':
        '补卡',
    'Replace Card':
        '补卡',
    'Replaced By':
        '补办新卡',
    'Replaced by card %s':
        '已补办新卡 %s',
    'Report Lost':
        '挂失',
    'Reported Lost':
        '已挂失',
    'Reported lost':
        '已挂失',
    'Request Digest':
        '请求摘要',
    'Request headers are too large.':
        '请求头过大。',
    'Requests refused because their record number or key had been used for another request (counter reset, replaced main board, cloned configuration).':
        '因流水号或幂等键已被另一个请求使用而拒绝的请求数（计数器复位、更换主板、克隆配置）。',
    'Reset (clear unspent subsidy first)':
        '清零（先清除未用完的补贴）',
    'Responsible User':
        '负责用户',
    'Result':
        '结果',
    'Retry':
        '重试',
    'Return':
        '退卡',
    'Return Card':
        '退卡',
    'Returned':
        '已退卡',
    'Reversal Move':
        '冲销分录',
    'Reversal Of':
        '冲正原操作',
    'Reversal of %s':
        '冲销 %s',
    'Reverse':
        '冲销',
    'Reverse this settlement? Its journal entry is reversed and its ledger rows go back to unsettled.':
        '确定冲销此结算吗？其日记账分录将被冲销，其流水记录将恢复为未结算。',
    'Reversed':
        '已冲销',
    'Reversed By':
        '冲正操作',
    'Reviewed':
        '已核查',
    'Revoke token':
        '吊销令牌',
    'Row %(row)s: the amount must be a positive number.':
        '第 %(row)s 行：金额必须为正数。',
    'Row %(row)s: unknown cardholder code “%(code)s”.':
        '第 %(row)s 行：未知的持卡人编号“%(code)s”。',
    'Rows':
        '流水笔数',
    'Rows booked here although dated before the period or in a period already settled.':
        '在本期入账、但日期早于本期或落在已结算期间内的流水记录。',
    'Rows dated before the period, booked here.':
        '日期早于本期、在本期入账的流水记录。',
    'RS-485 bus address (1-254).':
        'RS-485 总线地址（1-254）。',
    'RS-485 Serial':
        'RS-485 串口',
    "Save, then click “Generate token” and give the token to the desk PC's agent\n                        (onecard_devices/agent/desk_reader.py, see docs/desk-reader.md). It is shown only once.":
        '保存后点击“生成令牌”，并将令牌交给卡务台电脑上的代理程序（onecard_devices/agent/desk_reader.py，参见 docs/desk-reader.md）。令牌只显示一次。',
    'Seconds during which a second swipe of the same card is refused (0 = off).':
        '在此秒数内同一张卡再次刷卡将被拒绝（0 = 关闭）。',
    'Secret':
        '密钥',
    'Section':
        '分类',
    'Selection':
        '手工选择',
    'Self-service Kiosk':
        '自助圈存机',
    'Send the body as application/json.':
        '请以 application/json 格式发送请求体。',
    'Send the body with a Content-Length.':
        '请以 Content-Length 发送请求体。',
    'Sent':
        '已发送',
    'Sent Date':
        '发送时间',
    'Sequence':
        '序号',
    'Sequence Alert':
        '流水号警报',
    'Sequence Conflict':
        '流水号冲突',
    'Sequence conflict':
        '流水号冲突',
    'Sequence conflict on terminal %s':
        '终端 %s 出现流水号冲突',
    'Sequence conflict: %(lines)s':
        '流水号冲突：%(lines)s',
    'Sequence Conflicts':
        '流水号冲突次数',
    'Sequence Epoch':
        '流水号纪元',
    'Sequence epoch %s started: the terminal numbers its records from 1 again.':
        '流水号纪元 %s 已开始：终端从 1 重新编号记录。',
    'Serial (polled)':
        '串口（轮询）',
    'Serial Number':
        '序列号',
    'Server Time':
        '服务器时间',
    'Set a positive amount per person first.':
        '请先设置一个正数的人均金额。',
    'Set by a sequence conflict, cleared when an operator has reviewed it.':
        '出现流水号冲突时置位，操作员核查后清除。',
    'Set by the watchdog when the terminal stopped calling in.':
        '消费机停止上报时由看门狗设置。',
    'Set Clock':
        '校时',
    'Set the card accounts in the One-Card settings of %s.':
        '请在 %s 的一卡通设置中设置一卡通会计科目。',
    'Set the card settlement journal in the One-Card settings of %s.':
        '请在 %s 的一卡通设置中设置一卡通结算日记账。',
    'Set up':
        '设置',
    'Set up in this company':
        '在本公司启用',
    'Settings':
        '设置',
    'Settle':
        '结算',
    'Settle a day or a month: its card money is posted in one balanced journal entry.':
        '按日或按月结算：其一卡通资金将过账到一张借贷平衡的日记账分录中。',
    'Settle Automatically':
        '自动结算',
    'Settle Card Money':
        '一卡通资金结算',
    'Settle Yesterday':
        '结算昨日',
    'Settle Yesterday Automatically':
        '自动结算昨日',
    'Settlement':
        '结算',
    'Settlement Center':
        '结算中心',
    'Settlement Journal':
        '结算日记账',
    'Settlement Total':
        '结算汇总',
    'Settlements':
        '结算单',
    "Shared key signing the terminal's requests (HMAC-SHA256).":
        '用于对消费机请求签名的共享密钥（HMAC-SHA256）。',
    'Show Desk Reader Token':
        '显示卡务台读卡器令牌',
    'Show Secret':
        '显示密钥',
    'Show Terminal Secret':
        '显示终端密钥',
    'Signature':
        '签名',
    'Signed as on the wallets: positive = card money in.':
        '符号与钱包一致：正数 = 资金转入卡内。',
    'Signed: positive credits the wallet.':
        '带符号：正数表示记入钱包。',
    'Silent':
        '失联',
    'Skipped':
        '已跳过',
    'Skipped Count':
        '跳过数',
    'SMS Delivery error':
        '短信发送错误',
    'Spend Order':
        '扣款顺序',
    'Start Hour':
        '开始时间',
    'Start of the token, to tell tokens apart. The token itself is not stored.':
        '令牌的开头部分，用于区分不同令牌。令牌本身不会被保存。',
    'State':
        '状态',
    'State History':
        '状态历史',
    'Status':
        '状态',
    'Status based on activities\nOverdue: Due date is already passed\nToday: Activity date is today\nPlanned: Future activities.':
        '基于活动的状态\n逾期：超出到期日期\n今天：活动日期是今天\n计划：未来活动。',
    'Subsidies':
        '补贴',
    'Subsidy':
        '补贴',
    'Subsidy Analytic Account':
        '补贴分析账户',
    'Subsidy Balance':
        '补贴余额',
    'Subsidy Batch':
        '补贴批次',
    'Subsidy batch %s cannot do this in its current state.':
        '补贴批次 %s 在当前状态下无法执行此操作。',
    'Subsidy Batches':
        '补贴批次',
    'Subsidy Clear':
        '补贴清零',
    'Subsidy Expense':
        '补贴费用',
    'Subsidy Expiry':
        '补贴过期',
    'Subsidy first, then cash':
        '先扣补贴，后扣现金',
    'Subsidy Grant':
        '补贴发放',
    'Subsidy Liability':
        '补贴负债',
    'Subsidy Line':
        '补贴明细',
    'Subsidy Lines':
        '补贴明细',
    'Subsidy Pending':
        '待领补贴',
    'Subsidy Terminal':
        '补贴机',
    'Subsidy waiting to be collected at a swipe.':
        '等待刷卡时领取的补贴。',
    'Subsidy:':
        '补贴：',
    'Swipe or type the card UID':
        '刷卡或输入卡片 UID',
    'Swipe or type the card UID, then Enter':
        '刷卡或输入卡片 UID，然后按回车',
    'Swipe or type the new card UID':
        '读取新卡或输入新卡 UID',
    'Swipe the card on the desk reader, or type its UID and press Enter.':
        '在卡务台读卡器上刷卡，或输入卡片 UID 后按回车。',
    'Swipe the card on the desk reader, or type its UID.':
        '在卡务台读卡器上刷卡，或输入卡片 UID。',
    'Swipe the new card, or type its UID.':
        '读取新卡，或输入新卡 UID。',
    'Swipes':
        '刷卡次数',
    'Tamper Evidence':
        '防篡改校验',
    'Tampering detected: %s':
        '检测到篡改：%s',
    'TCP':
        'TCP',
    'Temporary':
        '临时卡',
    'Temporary Balance':
        '临时卡余额',
    'Temporary Card':
        '临时卡',
    'Temporary → Official':
        '临时卡 → 正式卡',
    'Terminal':
        '消费机',
    'Terminal %s is silent':
        '消费机 %s 已失联',
    'Terminal amounts and intervals cannot be negative.':
        '消费机的金额和间隔不能为负数。',
    'Terminal Canteen History':
        '消费机所属食堂历史',
    'Terminal clock minus server clock, seconds.':
        '消费机时钟减去服务器时钟，单位为秒。',
    'Terminal Command':
        '消费机指令',
    'Terminal Commands':
        '消费机指令',
    'Terminal Key':
        '消费机按键',
    'Terminal Keys':
        '消费机按键',
    'Terminal Kind':
        '终端类型',
    'Terminal Name':
        '终端名称',
    'Terminal number as printed on the device.':
        '设备上印刷的机号。',
    'Terminal Protocol Service':
        '消费机协议服务',
    'Terminal Request Signature':
        '消费机请求签名',
    'Terminal Secret':
        '终端密钥',
    'Terminal Seq':
        '终端流水号',
    'Terminal sequences are unique per terminal and sequence epoch.':
        '终端流水号在每个终端和流水号纪元内唯一。',
    'Terminal sequences are unique per terminal.':
        '终端流水号在每台消费机上必须唯一。',
    'Terminal Status':
        '消费机状态',
    'Terminals':
        '消费机',
    'The account of %s is closed.':
        '%s 的账户已注销。',
    'The agent will be refused until it gets a new token. Continue?':
        '在获得新令牌之前，该代理的请求将被拒绝。是否继续？',
    "The agent's current token stops working at once. Continue?":
        '该代理当前的令牌将立即失效。是否继续？',
    'The amount has more decimals than the currency allows.':
        '金额的小数位数超过了币种允许的精度。',
    'The amount must be a positive number.':
        '金额必须为正数。',
    'The answer given the first time.':
        '首次请求时返回的应答。',
    'The batch %s has no lines.':
        '批次 %s 没有明细。',
    'The body is larger than 1 MiB.':
        '请求体超过 1 MiB。',
    'The body is not valid JSON.':
        '请求体不是有效的 JSON。',
    'The body must be a JSON object%(where)s.':
        '请求体必须是 JSON 对象%(where)s。',
    'The canteen code must be unique per company.':
        '食堂编号在公司内必须唯一。',
    "The card balance and deposit are paid out and the card is closed. When it is the\n                    holder's last card, the unspent subsidy is cleared.":
        '卡内余额和押金将退还，卡片注销。若这是持卡人的最后一张卡，未用完的补贴将被清零。',
    'The card is blocked at every terminal until it is unlocked or replaced.':
        '在解挂或补卡之前，该卡在所有消费机上都将被拒绝。',
    'The cardholder code %(code)s is already used in %(company)s.':
        '持卡人编号 %(code)s 在 %(company)s 中已被使用。',
    'The cardholder code must be unique per company.':
        '持卡人编号在公司内必须唯一。',
    'The caterer the rows were owed to when booked (empty: own revenue).':
        '流水入账时应付给的承包商（为空：自有收入）。',
    'The caterer, when posting to a payable.':
        '记入应付款时的餐饮经营方。',
    'The consumption category code must be unique.':
        '消费类别编号必须唯一。',
    'The day to settle, or any day of the month to settle.':
        '要结算的日期，或要结算月份中的任意一天。',
    'The discount must be between 0 and 100 %.':
        '折扣必须在 0 到 100 % 之间。',
    'The employee left: pay out the balance and take the card back.':
        '员工已离职：退还余额并收回卡片。',
    'The entry %s is in a locked period: it cannot be reversed.':
        '分录 %s 位于已锁定的期间：无法冲销。',
    'The idempotency key %(key)s was already used for another request: nothing was booked. Use a new key for a new request.':
        '幂等键 %(key)s 已用于另一个请求：未记账。新的请求请使用新的键。',
    'The meal period code must be unique per company.':
        '餐别编号在公司内必须唯一。',
    'The old card stays blocked; the balance follows the holder to the new card.':
        '旧卡保持锁定；余额随持卡人转入新卡。',
    'The payment method %(method)s is not set up in %(company)s: a card manager sets it up in One-Card > Configuration > Payment Methods.':
        '支付方式 %(method)s 尚未在 %(company)s 启用：请一卡通管理员在 一卡通 > 配置 > 支付方式 中设置。',
    'The payment method code must be unique.':
        '支付方式编号必须唯一。',
    'The request time is more than %(skew)s seconds away from the server clock.':
        '请求时间与服务器时钟相差超过 %(skew)s 秒。',
    'The serial number identifies one terminal.':
        '序列号唯一标识一台消费机。',
    'The server is busy, try again.':
        '服务器繁忙，请重试。',
    'The settlement that posted this row; settled rows are locked.':
        '过账该记录的结算单；已结算的记录将被锁定。',
    'The terminal code must be unique per company.':
        '消费机编号在公司内必须唯一。',
    'The terminal must be given the new secret. Continue?':
        '必须将新密钥配置到消费机上。是否继续？',
    'The terminal sent record numbers or keys already used for other requests: its counter was reset, its main board replaced or its configuration cloned. The requests were refused. Check the terminal, then let it start a new sequence epoch.':
        '终端发送了已被其他请求使用的流水号或幂等键：其计数器被复位、主板被更换或配置被克隆。这些请求已被拒绝。请检查终端，然后让它开始新的流水号纪元。',
    "The terminal's sequence epoch: a new one starts after a legitimate counter reset.":
        '终端的流水号纪元：计数器正常复位后开始新的纪元。',
    'This card cannot log in an operator.':
        '此卡不能用于操作员登录。',
    'This card cannot pay':
        '此卡不能支付',
    'This consumption belongs to another cardholder.':
        '此消费记录属于其他持卡人。',
    'This consumption was already corrected.':
        '此消费已冲正过。',
    'This payment reference was already used.':
        '此支付参考号已被使用。',
    'This request was already received; sign again with a new timestamp.':
        '此请求已接收过；请使用新的时间戳重新签名。',
    'This terminal cannot send %(message)s.':
        '此消费机不能发送 %(message)s。',
    'This terminal is archived.':
        '此消费机已归档。',
    'This terminal sent record numbers or keys already used for other requests (counter reset,\n                    replaced main board or cloned configuration): they were refused, nothing was booked.\n                    See the chatter; once checked, let the terminal start a new sequence epoch.':
        '此终端发送了已被其他请求使用的流水号或幂等键（计数器复位、更换主板或克隆配置）：这些请求已被拒绝，未记账。请查看沟通记录；核查后让终端开始新的流水号纪元。',
    'This token is already in use.':
        '此令牌已被使用。',
    'To Collect':
        '待领取',
    'Today':
        '今天',
    'Token':
        '令牌',
    'Token Hash':
        '令牌哈希值',
    'Token of the desk reader agent':
        '卡务台读卡代理',
    'Top Up':
        '充值',
    'Top-up':
        '充值',
    'Top-ups':
        '充值',
    'Top-ups, consumptions, refunds and every other money request land here.':
        '充值、消费、退款以及其他所有资金请求都会记录在这里。',
    'Total':
        '合计',
    'Total Amount':
        '总金额',
    'Totals':
        '合计',
    'Transaction Count':
        '交易笔数',
    'Transfer':
        '转账',
    'Type of the exception activity on record.':
        '记录中异常活动的类型。',
    'UID':
        'UID',
    'Undefined key':
        '未定义的按键',
    'Unfreeze':
        '解冻',
    'Unfrozen':
        '已解冻',
    'Unknown card':
        '未知卡片',
    'Unknown card.':
        '未知卡片。',
    'Unknown cardholder category “%s”.':
        '未知的持卡人类别“%s”。',
    'Unknown field: %(field)s.':
        '未知字段：%(field)s。',
    'Unknown message %(message)s.':
        '未知消息 %(message)s。',
    'Unknown payment method %(method)s.':
        '未知的支付方式 %(method)s。',
    'Unknown terminal.':
        '未知消费机。',
    'Unlock':
        '解挂',
    'Until':
        '至',
    'Usage':
        '使用情况',
    'Usage Day':
        '计量日',
    'Usage Day Amount':
        '当日消费额',
    'Usage Meal Amount':
        '当餐消费额',
    'Usage Meal Count':
        '当餐消费次数',
    'Usage Meal Key':
        '当餐标识',
    'Use POST.':
        '请使用 POST 方法。',
    'Used when lines are built from a selection.':
        '从手工选择生成明细时使用。',
    'User':
        '用户',
    'Verify chain':
        '校验哈希链',
    'Version':
        '版本',
    'Wallet':
        '钱包',
    'wallet %(w)s row %(r)s':
        '钱包 %(w)s 第 %(r)s 条记录',
    'Wallet balances change only through card operations.':
        '钱包余额只能通过卡务操作变更。',
    'Wallet Kind':
        '钱包类型',
    'Wallets':
        '钱包',
    'Wallets and general ledger agree: every gap is explained by what is not posted yet\n                        or by manual entries.':
        '钱包与总账一致：所有差额均可由尚未过账的记录或手工分录解释。',
    'Wallets and general ledger agree: every gap is explained by what is not posted yet.':
        '钱包与总账一致：所有差额均可由尚未过账的记录解释。',
    'Wallets and general ledger differ: see the lines in red.':
        '钱包与总账不一致：请查看红色标出的明细。',
    'Wallets and general ledger differ: see the lines in red. Manual entries on the card\n                        accounts are listed below them.':
        '钱包与总账不一致：请查看红色标出的明细。卡务科目上的手工分录列在其下方。',
    'Wallets cannot be deleted; close the account instead.':
        '钱包不可删除；请改为注销账户。',
    'Wallets: sum of the ledger up to the date.':
        '钱包：截至该日期的流水合计。',
    'Website communication history':
        '网站沟通记录',
    'Website Messages':
        '网站消息',
    'WeChat Pay':
        '微信支付',
    "When it happened, by the terminal's clock.":
        '发生时间，以消费机时钟为准。',
    'When the meal was eaten.':
        '就餐时间。',
    'When the terminal moved on (server time); records dated before belong here.':
        '消费机调往别处的时间（服务器时间）；日期早于此时的记录归属于此。',
    'Where card money is posted at settlement.':
        '结算时一卡通资金的入账科目。',
    'Where the reader is, e.g. “Card office, window 2”.':
        '读卡器所在位置，例如“卡务中心 2 号窗口”。',
    'Which wallet a consumption draws from first.':
        '消费时优先扣款的钱包。',
    'Whitelist':
        '白名单',
    'Why the line was skipped.':
        '跳过该明细的原因。',
    'With Balance':
        '有余额',
    'With Late Rows':
        '含延迟入账记录',
    'Wrong PIN':
        '密码错误',
    'Wrong PIN.':
        '密码错误。',
    'X-Terminal, X-Timestamp and X-Signature headers are required.':
        '必须提供 X-Terminal、X-Timestamp 和 X-Signature 请求头。',
    'X-Timestamp must be unix seconds.':
        'X-Timestamp 必须是 Unix 秒数。',
    '“%s” is not a card UID: 4 to 10 bytes in hexadecimal.':
        '“%s”不是卡片 UID：应为 4 至 10 字节的十六进制数。',
    '“%s” is not a valid card UID (4 to 10 bytes in hex).':
        '“%s”不是有效的卡片 UID（应为 4 至 10 字节的十六进制数）。',
    '“%s” is not a valid card UID.':
        '“%s”不是有效的卡片 UID。',
}
