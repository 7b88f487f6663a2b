"""The words of the demo visits: what KAMs and executives write in their records."""

KAM_PURPOSES = [
    ["relationship"],
    ["relationship"],
    ["relationship", "share"],
    ["market_research"],
    ["new_product"],
    ["competitors", "relationship"],
    ["share"],
]
KAM_OUTCOMES = [
    "确认下月订单计划，客户对交期满意",
    "了解到客户明年扩产计划，需提前备货",
    "沟通货款结算，客户承诺月底前付款",
    "介绍新产品样品，客户同意安排试用",
    "客户反馈上批产品质量稳定",
    "采购主管更换，已与新主管建立联系",
    "处理上月交货延误的投诉，客户表示理解",
]
KAM_NEWS = ["", "", "", "竞争对手报价下调约5%", "某同行正在接洽客户技术部", "竞品推出低价替代型号"]
KAM_STEPS = ["", "月底前提交报价", "安排技术人员上门交流", "跟进样品试用结果", "下次拜访带新品资料"]
EXEC_OUTCOMES = [
    "与客户总经理会面，双方确认明年合作方向",
    "就明年框架协议交换意见，客户希望锁定价格",
    "高层互访，客户对我方服务表示认可",
    "参观客户新产线，探讨联合开发项目",
]
FESTIVAL_OUTCOMES = ["节日问候，客户总经理致谢", "电话问候关键决策人，约定节后拜访"]
CARD_OUTCOMES = ["挂历、贺卡已当面送达", "挂历、贺卡已邮寄"]
RESCHEDULE_REASONS = ["客户临时出差，改期", "客户要求提前会面", "公司内部会议冲突", "天气原因推迟"]
RETURN_COMMENTS = [
    "战略客户请安排第二次拜访",
    "拜访对象应包括经办层负责人，请调整",
    "月末拜访过于集中，请分散安排",
]
SPOT_NOTES = {
    "confirmed": "客户确认当日拜访及沟通内容",
    "not_confirmed": "客户表示当月未见到我方人员",
    "unreachable": "两次致电无人接听",
}
